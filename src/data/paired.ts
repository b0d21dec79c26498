import type { Rng } from '../core/rng.js';
import { loadBundledDigits } from './mnist.js';
import { unitToModel } from './stored.js';
import { sampleElementCount, type Batch, type Dataset } from './types.js';

/**
 * Paired images, as pix2pix trains on: each input image has its target (an edge map and
 * its digit). `sample` draws targets, so any variant can use the set as plain data;
 * `samplePairs` draws aligned (input, target) batches from the training part, and
 * `heldOut` keeps pairs no training step sees, for measuring translation quality.
 */
export interface PairedDataset extends Dataset {
  readonly kind: 'images';
  /** Shape of one input image, [h, w, c]. */
  readonly inputShape: readonly number[];
  /** Inputs and targets of the training pairs, model space [-1, 1], row-major NHWC. */
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly labels?: Int32Array;
  readonly heldOut: { readonly inputs: Float32Array; readonly targets: Float32Array; readonly labels?: Int32Array; readonly size: number };
  samplePairs(batchSize: number, rng: Rng): { inputs: Float32Array; targets: Float32Array };
}

export function isPaired(data: Dataset): data is PairedDataset {
  const d = data as Partial<PairedDataset>;
  return d.inputShape !== undefined && d.samplePairs !== undefined && d.heldOut !== undefined;
}

/**
 * Sobel gradient magnitude of grey N×h×w images in [0, 1], scaled by 1/4 (the largest
 * magnitude a unit step reaches is 4) and clipped to [0, 1]: strokes become their outlines.
 */
export function sobelEdges(images: Float32Array, count: number, height: number, width: number): Float32Array {
  const out = new Float32Array(images.length);
  const per = height * width;
  for (let n = 0; n < count; n++) {
    const at = (y: number, x: number) => (y < 0 || y >= height || x < 0 || x >= width ? 0 : images[n * per + y * width + x]);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
        const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
        out[n * per + y * width + x] = Math.min(1, Math.hypot(gx, gy) / 4);
      }
    }
  }
  return out;
}

/** Box downscaling of NHWC images by an integer factor: each output pixel is the mean of its factor×factor block. */
export function boxDownscale(images: Float32Array, shape: readonly [number, number, number, number], factor: number): Float32Array {
  const [n, h, w, c] = shape;
  const oh = Math.floor(h / factor);
  const ow = Math.floor(w / factor);
  const out = new Float32Array(n * oh * ow * c);
  const inv = 1 / (factor * factor);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) s += images[((i * h + y * factor + dy) * w + x * factor + dx) * c + k];
          out[((i * oh + y) * ow + x) * c + k] = s * inv;
        }
  return out;
}

/** Keys' cubic convolution kernel (a = −0.5), the one behind "bicubic" in most image tools. */
function cubic(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * Bicubic upscaling of NHWC images by an integer factor (pixel centres aligned, edges
 * clamped): the non-learned baseline super-resolution is measured against.
 */
export function bicubicUpscale(images: Float32Array, shape: readonly [number, number, number, number], factor: number): Float32Array {
  const [n, h, w, c] = shape;
  const oh = h * factor;
  const ow = w * factor;
  const out = new Float32Array(n * oh * ow * c);
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const taps = (o: number) => {
    const src = (o + 0.5) / factor - 0.5;
    const base = Math.floor(src);
    return [-1, 0, 1, 2].map((d) => ({ offset: base + d, weight: cubic(src - (base + d)) }));
  };
  const rows = Array.from({ length: oh }, (_, y) => taps(y));
  const cols = Array.from({ length: ow }, (_, x) => taps(x));
  for (let i = 0; i < n; i++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (const r of rows[y]) for (const q of cols[x]) s += r.weight * q.weight * images[((i * h + clamp(r.offset, h - 1)) * w + clamp(q.offset, w - 1)) * c + k];
          out[((i * oh + y) * ow + x) * c + k] = s;
        }
  return out;
}

/** A paired set from aligned inputs and targets (model space); the last `heldOutCount` pairs are held out. */
export function pairedDataset(opts: {
  name: string;
  inputShape: readonly number[];
  shape: readonly number[];
  inputs: Float32Array;
  targets: Float32Array;
  labels?: Int32Array;
  numClasses?: number;
  heldOutCount: number;
}): PairedDataset {
  const inPer = sampleElementCount(opts.inputShape);
  const outPer = sampleElementCount(opts.shape);
  const total = opts.targets.length / outPer;
  const size = total - opts.heldOutCount;
  const inputs = opts.inputs.subarray(0, size * inPer);
  const targets = opts.targets.subarray(0, size * outPer);
  const labels = opts.labels?.subarray(0, size);
  const draw = (batchSize: number, rng: Rng) => {
    const a = new Float32Array(batchSize * inPer);
    const b = new Float32Array(batchSize * outPer);
    const l = labels ? new Int32Array(batchSize) : undefined;
    for (let i = 0; i < batchSize; i++) {
      const j = rng.int(size);
      a.set(inputs.subarray(j * inPer, (j + 1) * inPer), i * inPer);
      b.set(targets.subarray(j * outPer, (j + 1) * outPer), i * outPer);
      if (l && labels) l[i] = labels[j];
    }
    return { inputs: a, targets: b, labels: l };
  };
  return {
    name: opts.name,
    kind: 'images',
    shape: opts.shape,
    inputShape: opts.inputShape,
    size,
    numClasses: opts.numClasses,
    inputs,
    targets,
    labels,
    heldOut: {
      inputs: opts.inputs.subarray(size * inPer),
      targets: opts.targets.subarray(size * outPer),
      labels: opts.labels?.subarray(size),
      size: opts.heldOutCount,
    },
    samplePairs: (batchSize, rng) => {
      const { inputs: a, targets: b } = draw(batchSize, rng);
      return { inputs: a, targets: b };
    },
    sample: (batchSize, rng): Batch => {
      const { targets: x, labels: l } = draw(batchSize, rng);
      return l ? { x, labels: l } : { x };
    },
  };
}

/** Held-out pairs of the bundled sets: the last 1,000 of the class-interleaved digits (100 per class). */
export const HELD_OUT_DIGITS = 1000;

/** Digit edges (Sobel) → digits (`--data mnist-edges`, pix2pix's default on the bundled digits). */
export function digitEdgesDataset(): PairedDataset {
  const { images, labels, count } = loadBundledDigits();
  return pairedDataset({
    name: 'mnist-edges',
    inputShape: [28, 28, 1],
    shape: [28, 28, 1],
    inputs: unitToModel(sobelEdges(images, count, 28, 28)),
    targets: unitToModel(Float32Array.from(images)),
    labels,
    numClasses: 10,
    heldOutCount: HELD_OUT_DIGITS,
  });
}
