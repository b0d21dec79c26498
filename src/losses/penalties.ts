import * as tf from '@tensorflow/tfjs-core';

/** A critic as a differentiable function of its input batch. */
export type CriticFunction = (x: tf.Tensor) => tf.Tensor;
/** A critic of several inputs (BiGAN's D(x, z)): the penalties differentiate every one. */
export type JointCritic = (inputs: readonly tf.Tensor[]) => tf.Tensor;

/** Σ over every axis but the first: per-sample sums of squares. */
function perSampleSumOfSquares(g: tf.Tensor): tf.Tensor1D {
  const axes = g.shape.slice(1).map((_, i) => i + 1);
  return tf.sum(tf.square(g), axes) as tf.Tensor1D;
}

/** ∇ of Σ critic(inputs) with respect to each input. */
function inputGradients(critic: JointCritic, inputs: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.grads((...xs: tf.Tensor[]) => tf.sum(critic(xs)))([...inputs]);
}

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, Algorithm 1):
 * E_x̂[(‖∇_x̂ D(x̂)‖₂ − 1)²] with x̂ = ε·x + (1 − ε)·x̃, ε ~ U[0, 1] per sample.
 * With several inputs (x and z of a BiGAN pair) each is interpolated with the same ε and the
 * norm is that of the joint gradient. `epsilon` has shape [batch] and is drawn by the caller
 * from the run's seeded RNG. Returns the penalty unweighted; the caller multiplies by λ.
 */
export function jointGradientPenalty(critic: JointCritic, real: readonly tf.Tensor[], fake: readonly tf.Tensor[], epsilon: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const xHat = real.map((r, i) => {
      const e = tf.reshape(epsilon, [r.shape[0], ...r.shape.slice(1).map(() => 1)]);
      return tf.add(tf.mul(e, r), tf.mul(tf.sub(1, e), fake[i]));
    });
    const sums = inputGradients(critic, xHat).map(perSampleSumOfSquares);
    const norm = tf.sqrt(tf.add(sums.length === 1 ? sums[0] : tf.addN(sums), 1e-12));
    return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
  });
}

/** The gradient penalty of a critic of one input. */
export function gradientPenalty(critic: CriticFunction, real: tf.Tensor, fake: tf.Tensor, epsilon: tf.Tensor1D): tf.Scalar {
  return jointGradientPenalty((xs) => critic(xs[0]), [real], [fake], epsilon);
}

/**
 * R1 (Mescheder et al. 2018): E_x~p_data[‖∇_x D(x)‖²], penalising the critic's gradient on
 * real data only (all of a joint critic's inputs). Returns it unweighted; the usual weight is γ/2.
 */
export function jointR1Penalty(critic: JointCritic, real: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    const sums = inputGradients(critic, real).map(perSampleSumOfSquares);
    return tf.mean(sums.length === 1 ? sums[0] : tf.addN(sums)) as tf.Scalar;
  });
}

export function r1Penalty(critic: CriticFunction, real: tf.Tensor): tf.Scalar {
  return jointR1Penalty((xs) => critic(xs[0]), [real]);
}

/** WGAN's weight clipping: clamps every variable to [−c, c] after each critic update. */
export function clipWeights(variables: readonly tf.Variable[], clipValue: number): void {
  tf.tidy(() => {
    for (const v of variables) v.assign(tf.clipByValue(v, -clipValue, clipValue));
  });
}
