import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Exponential moving average of the generator's weights (Karras et al. 2018; Yazıcı et
 * al. 2019): after each G step, θ_ema ← β·θ_ema + (1 − β)·θ. Non-trainable weights (batch
 * norm statistics, spectral-norm u) are estimates, not parameters: they are copied, unless
 * `ownStatistics` says the EMA model estimates them itself (refreshEmaStatistics).
 */
export function updateEma(ema: tfl.LayersModel, model: tfl.LayersModel, decay: number, opts: { ownStatistics?: boolean } = {}): void {
  if (ema.weights.length !== model.weights.length) {
    throw new Error(`EMA generator has ${ema.weights.length} weights but the generator has ${model.weights.length}: they must share an architecture`);
  }
  tf.tidy(() => {
    ema.weights.forEach((e, i) => {
      const w = model.weights[i];
      const target = e.read() as tf.Variable;
      if (w.trainable) target.assign(tf.add(tf.mul(target, decay), tf.mul(w.read(), 1 - decay)));
      else if (!opts.ownStatistics) target.assign(tf.clone(w.read()));
    });
  });
}

/** Sets the EMA model's weights to the model's (its starting point). */
export function copyWeights(to: tfl.LayersModel, from: tfl.LayersModel): void {
  to.setWeights(from.getWeights());
}

/**
 * Whether an EMA generator must estimate its own batch-norm statistics. The live G's
 * running means and variances belong to the live weights: on averaged weights they
 * normalise activations of another scale, and the samples come out noisy (seen with
 * DCGAN on MNIST at β = 0.999). BigGAN's answer is "standing statistics", measured on the
 * averaged net; here it is kept current by one forward pass in training mode per step.
 * Only single-input generators: the extra inputs of conditional ones (labels, codes) have
 * their own distributions, so those keep the copied statistics.
 */
export function needsOwnStatistics(ema: tfl.LayersModel): boolean {
  return ema.inputs.length === 1 && ema.layers.some((l) => l.getClassName() === 'BatchNormalization');
}

/** One forward pass of the EMA generator in training mode: batch norm moves its running statistics towards its own. */
export function refreshEmaStatistics(ema: tfl.LayersModel, normals: Float32Array, shape: [number, number]): void {
  tf.tidy(() => {
    ema.apply(tf.tensor2d(normals, shape), { training: true });
  });
}
