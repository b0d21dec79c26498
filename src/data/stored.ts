import type { Batch, StoredDataset } from './types.js';
import { sampleElementCount } from './types.js';
import type { Rng } from '../core/rng.js';

/** Wraps in-memory samples (already in model space) as a data set that samples with replacement. */
export function storedDataset(opts: {
  name: string;
  kind: 'points' | 'images';
  shape: readonly number[];
  x: Float32Array;
  labels?: Int32Array;
  numClasses?: number;
}): StoredDataset {
  const per = sampleElementCount(opts.shape);
  const size = Math.floor(opts.x.length / per);
  return {
    ...opts,
    size,
    sample(batchSize: number, rng: Rng): Batch {
      const x = new Float32Array(batchSize * per);
      const labels = opts.labels ? new Int32Array(batchSize) : undefined;
      for (let i = 0; i < batchSize; i++) {
        const j = rng.int(size);
        x.set(opts.x.subarray(j * per, (j + 1) * per), i * per);
        if (labels && opts.labels) labels[i] = opts.labels[j];
      }
      return labels ? { x, labels } : { x };
    },
  };
}

/** Maps pixel intensities in [0, 1] to the generator's tanh range [-1, 1], in place. */
export function unitToModel(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i] * 2 - 1;
  return x;
}

/** Maps model-space pixels in [-1, 1] back to [0, 1], clipped, into a new array. */
export function modelToUnit(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(1, Math.max(0, (x[i] + 1) / 2));
  return out;
}
