import * as tf from '@tensorflow/tfjs-core';

/** A critic as a differentiable function of its input batch. */
export type Critic = (x: tf.Tensor) => tf.Tensor;

/** Per-sample L2 norm of a batch of gradients, over every axis but the first. */
function perSampleNorm(g: tf.Tensor, eps = 1e-12): tf.Tensor1D {
  const axes = g.shape.slice(1).map((_, i) => i + 1);
  return tf.sqrt(tf.add(tf.sum(tf.square(g), axes), eps)) as tf.Tensor1D;
}

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, Algorithm 1):
 * E_x̂[(‖∇_x̂ D(x̂)‖₂ − 1)²] with x̂ = ε·x + (1 − ε)·x̃, ε ~ U[0, 1] per sample.
 * `epsilon` has shape [batch] and is drawn by the caller from the run's seeded RNG.
 * Returns the penalty unweighted; the caller multiplies by λ (gradientPenaltyWeight).
 */
export function gradientPenalty(critic: Critic, real: tf.Tensor, fake: tf.Tensor, epsilon: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const shape = [real.shape[0], ...real.shape.slice(1).map(() => 1)];
    const e = tf.reshape(epsilon, shape);
    const xHat = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(xHat);
    return tf.mean(tf.square(tf.sub(perSampleNorm(grad), 1))) as tf.Scalar;
  });
}

/**
 * R1 (Mescheder et al. 2018): E_x~p_data[‖∇_x D(x)‖²], penalising the critic's gradient on
 * real data only. Returns it unweighted; the usual weight is γ/2.
 */
export function r1Penalty(critic: Critic, real: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(real);
    const axes = grad.shape.slice(1).map((_, i) => i + 1);
    return tf.mean(tf.sum(tf.square(grad), axes)) as tf.Scalar;
  });
}

/** WGAN's weight clipping: clamps every variable to [−c, c] after each critic update. */
export function clipWeights(variables: readonly tf.Variable[], clipValue: number): void {
  tf.tidy(() => {
    for (const v of variables) v.assign(tf.clipByValue(v, -clipValue, clipValue));
  });
}
