import type { Rng } from '../core/rng.js';
import { registerDataset } from './index.js';
import { loadBundledDigits } from './mnist.js';
import { storedDataset, unitToModel } from './stored.js';
import type { Batch, Dataset, StoredDataset } from './types.js';

/**
 * Two image domains with no pairing between them, as CycleGAN trains on: `sample` draws
 * from domain A (so any variant can use it as plain data), `domainA` and `domainB` draw
 * from each side independently.
 */
export interface UnpairedDataset extends Dataset {
  readonly kind: 'images';
  readonly domainA: StoredDataset;
  readonly domainB: StoredDataset;
}

export function isUnpaired(data: Dataset): data is UnpairedDataset {
  const d = data as Partial<UnpairedDataset>;
  return d.domainA !== undefined && d.domainB !== undefined;
}

/**
 * Grey-scale dilation: each pixel becomes the maximum over the (2r+1)×(2r+1) window
 * around it (a stride-1 max-pool with 'same' padding), which thickens dark-background
 * strokes by r pixels on every side.
 */
export function dilate(images: Float32Array, count: number, height: number, width: number, radius = 1): Float32Array {
  const out = new Float32Array(images.length);
  const per = height * width;
  for (let n = 0; n < count; n++) {
    const base = n * per;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let m = -Infinity;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= width) continue;
            const v = images[base + yy * width + xx];
            if (v > m) m = v;
          }
        }
        out[base + y * width + x] = m;
      }
    }
  }
  return out;
}

/** Mean intensity in [0, 1] ("ink") of model-space images in [−1, 1]: the statistic that tells the domains apart. */
export function meanInk(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (Math.min(1, Math.max(-1, x[i])) + 1) / 2;
  return s / x.length;
}

/** The bundled digits with strokes thickened by a 3×3 dilation (`--data mnist-thick`), with labels. */
export function thickDigitsDataset(radius = 1): StoredDataset {
  const { images, labels, count } = loadBundledDigits();
  return storedDataset({
    name: 'mnist-thick',
    kind: 'images',
    shape: [28, 28, 1],
    x: unitToModel(dilate(images, count, 28, 28, radius)),
    labels,
    numClasses: 10,
  });
}

/**
 * Digits ↔ thick digits, unpaired (`mnist-unpaired`): domain A holds the bundled digits
 * at even indices as they are, domain B the digits at odd indices dilated, so no digit
 * appears in both domains and a model cannot learn the mapping from pairs.
 */
export function unpairedDigits(radius = 1): UnpairedDataset {
  const { images, labels, count } = loadBundledDigits();
  const per = 28 * 28;
  const half = (parity: number) => {
    const idx = Array.from({ length: count }, (_, i) => i).filter((i) => i % 2 === parity);
    const x = new Float32Array(idx.length * per);
    const l = new Int32Array(idx.length);
    idx.forEach((j, i) => {
      x.set(images.subarray(j * per, (j + 1) * per), i * per);
      l[i] = labels[j];
    });
    return { x, labels: l, count: idx.length };
  };
  const a = half(0);
  const b = half(1);
  const domainA = storedDataset({ name: 'mnist-unpaired:A', kind: 'images', shape: [28, 28, 1], x: unitToModel(a.x), labels: a.labels, numClasses: 10 });
  const domainB = storedDataset({
    name: 'mnist-unpaired:B',
    kind: 'images',
    shape: [28, 28, 1],
    x: unitToModel(dilate(b.x, b.count, 28, 28, radius)),
    labels: b.labels,
    numClasses: 10,
  });
  return {
    name: 'mnist-unpaired',
    kind: 'images',
    shape: [28, 28, 1],
    size: domainA.size,
    numClasses: 10,
    domainA,
    domainB,
    sample: (batchSize: number, rng: Rng): Batch => domainA.sample(batchSize, rng),
  };
}

registerDataset('mnist-thick', () => thickDigitsDataset(), 'the bundled digits with strokes thickened by a 3×3 dilation');
registerDataset('mnist-unpaired', () => unpairedDigits(), 'two unpaired domains for cyclegan: digits (A) and thick digits (B), no digit in both');
