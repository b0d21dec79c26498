import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../src/data/types.js';
import type { GanVariant, IterationContext } from '../../src/gans/types.js';
import { Rng } from '../../src/train/rng.js';
import { resolveConfig, type RunConfig, type RunConfigInput } from '../../src/train/config.js';
import { iterationRng } from '../../src/core/streams.js';

/** An iteration context like the trainer's: randomness from (seed, step, stream, sub-step). */
export function contextFor(data: Dataset, batchSize: number, step: number, seed = 0): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

export function config(input: RunConfigInput, data: Dataset): RunConfig {
  return resolveConfig(input, data.kind);
}

/** Runs iterations [from, to) and returns the last logs. */
export function train(v: GanVariant, data: Dataset, batchSize: number, from: number, to: number, seed = 0): Record<string, number> {
  let logs: Record<string, number> = {};
  for (let s = from; s < to; s++) logs = v.trainIteration(contextFor(data, batchSize, s, seed));
  return logs;
}

/** Every weight of a model, flattened, copied out. */
export function weightValues(model: { weights: { read(): tf.Tensor }[] }): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync()));
}

export function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

/** Samples n points from the variant's sampling generator with a fixed latent seed. */
export function samplePoints(v: GanVariant, n: number, seed = 99): Float32Array {
  return tf.tidy(() => {
    const z = tf.tensor2d(new Rng(seed).normals(n * v.latentDim), [n, v.latentDim]);
    return Float32Array.from(v.generate(z).dataSync());
  });
}
