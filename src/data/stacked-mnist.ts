import type { Batch, Dataset } from './types.js';
import { DataError } from './types.js';
import { loadBundledDigits } from './mnist.js';
import type { Rng } from '../core/rng.js';

/** Number of Stacked-MNIST modes: every triple of digits. */
export const STACKED_MNIST_MODES = 1000;

/** The mode of a digit triple (red, green, blue channel digits): 100·r + 10·g + b. */
export function tripleToMode(r: number, g: number, b: number): number {
  return 100 * r + 10 * g + b;
}

export interface StackedMnistOptions {
  /** Restrict to these modes (0..999): a data set with known dropped modes. Default: all 1,000. */
  modes?: readonly number[];
  /** Bundled digits to draw from, [start, end) of the 10,000; default all. */
  digitRange?: readonly [number, number];
}

interface Pools {
  byClass: Int32Array[];
  modes: readonly number[];
}

function pools(opts: StackedMnistOptions): Pools {
  const digits = loadBundledDigits();
  const [start, end] = opts.digitRange ?? [0, digits.count];
  const lists: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = start; i < end; i++) lists[digits.labels[i]].push(i);
  const modes = opts.modes ?? Array.from({ length: STACKED_MNIST_MODES }, (_, m) => m);
  if (modes.length === 0) throw new DataError('Stacked MNIST needs at least one mode');
  for (const m of modes) {
    if (!Number.isInteger(m) || m < 0 || m >= STACKED_MNIST_MODES) throw new DataError(`Stacked MNIST mode ${m} is outside 0..999`);
    for (const d of [Math.floor(m / 100), Math.floor(m / 10) % 10, m % 10]) {
      if (lists[d].length === 0) throw new DataError(`digit ${d} has no bundled image in the range ${start}..${end}`);
    }
  }
  return { byClass: lists.map((l) => Int32Array.from(l)), modes };
}

/**
 * Draws `count` Stacked-MNIST images, NHWC [count, 28, 28, 3] with pixels in [0, 1]:
 * a mode (digit triple) uniformly from the allowed modes, then for each channel a random
 * bundled image of that channel's digit. With all modes allowed this is VEEGAN's
 * construction (three independent random digits) up to the bundled classes' small
 * imbalance. Labels are the modes.
 */
export function stackedMnistSamples(count: number, rng: Rng, opts: StackedMnistOptions = {}): { images: Float32Array; modes: Int32Array } {
  const { images: digits } = loadBundledDigits();
  const { byClass, modes } = pools(opts);
  const images = new Float32Array(count * 784 * 3);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const mode = modes[rng.int(modes.length)];
    labels[i] = mode;
    const triple = [Math.floor(mode / 100), Math.floor(mode / 10) % 10, mode % 10];
    for (let c = 0; c < 3; c++) {
      const pool = byClass[triple[c]];
      const src = pool[rng.int(pool.length)] * 784;
      const base = i * 784 * 3;
      for (let p = 0; p < 784; p++) images[base + p * 3 + c] = digits[src + p];
    }
  }
  return { images, modes: labels };
}

/**
 * Stacked MNIST (Metz et al. 2017; VEEGAN, PacGAN) as a data set: 28×28×3 images whose
 * channels are three random bundled digits, 1,000 modes. Samples are in model space
 * [-1, 1] like every image data set; labels are the modes.
 */
export function stackedMnistDataset(opts: StackedMnistOptions = {}): Dataset {
  pools(opts); // validate eagerly so a bad option fails at construction
  return {
    name: 'stacked-mnist',
    kind: 'images',
    shape: [28, 28, 3],
    size: Infinity,
    numClasses: STACKED_MNIST_MODES,
    sample(batchSize: number, rng: Rng): Batch {
      const { images, modes } = stackedMnistSamples(batchSize, rng, opts);
      for (let i = 0; i < images.length; i++) images[i] = images[i] * 2 - 1;
      return { x: images, labels: modes };
    },
  };
}
