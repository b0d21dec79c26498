import type * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng.js';

/**
 * Re-initialises every weight of a model from gankit's seeded RNG, so the same seed gives
 * the same networks on every backend and in every process: kernels Glorot-uniform,
 * biases and BN betas 0, BN gammas and moving variances 1, moving means 0.
 */
export function initializeWeights(model: tfl.LayersModel, seed: number, stream: number): void {
  const rng = Rng.derive(seed, 0, stream);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName ?? w.name;
    if (/gamma|moving_variance/.test(name)) return tf.ones(shape);
    if (/bias|beta|moving_mean/.test(name) || shape.length < 2) return tf.zeros(shape);
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * shape[shape.length - 2];
    const fanOut = receptive * shape[shape.length - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tensor(rng.uniforms(n, -limit, limit), shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

export function countParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
}
