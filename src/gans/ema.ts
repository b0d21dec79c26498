import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Exponential moving average of the generator's weights (Karras et al. 2018; Yazıcı et
 * al. 2019): after each G step, θ_ema ← β·θ_ema + (1 − β)·θ. Non-trainable weights (batch
 * norm statistics, spectral-norm u) are copied, since they are estimates, not parameters.
 */
export function updateEma(ema: tfl.LayersModel, model: tfl.LayersModel, decay: number): void {
  if (ema.weights.length !== model.weights.length) {
    throw new Error(`EMA generator has ${ema.weights.length} weights but the generator has ${model.weights.length}: they must share an architecture`);
  }
  tf.tidy(() => {
    ema.weights.forEach((e, i) => {
      const w = model.weights[i];
      const target = e.read() as tf.Variable;
      target.assign(w.trainable ? tf.add(tf.mul(target, decay), tf.mul(w.read(), 1 - decay)) : tf.clone(w.read()));
    });
  });
}

/** Sets the EMA model's weights to the model's (its starting point). */
export function copyWeights(to: tfl.LayersModel, from: tfl.LayersModel): void {
  to.setWeights(from.getWeights());
}
