import type * as tf from '@tensorflow/tfjs-core';

/**
 * An adversarial objective as a pair of pure functions of the discriminator's raw outputs
 * (logits for the probabilistic losses, scores for the critic losses). Each returns the
 * scalar its player minimises. Penalties live apart (./penalties.ts).
 */
export interface AdversarialLoss {
  readonly name: LossName;
  /** What the discriminator (or critic) minimises, given its outputs on real and fake data. */
  discriminator(realOut: tf.Tensor, fakeOut: tf.Tensor): tf.Scalar;
  /** What the generator minimises, given the discriminator's outputs on fake data. */
  generator(fakeOut: tf.Tensor): tf.Scalar;
  /**
   * The discriminator's belief that x is real, in [0, 1], for losses where that exists
   * (σ(logit)); null for critics, whose scores are not probabilities.
   */
  readonly probability: ((out: tf.Tensor) => tf.Tensor) | null;
}

export const LOSS_NAMES = [
  'minimax', 'non-saturating', 'wgan', 'wgan-gp', 'least-squares', 'hinge',
] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/**
 * The objective of one game, of which an AdversarialLoss is the common case. The
 * discriminator's term may also read the samples it judged, as the Loss-Sensitive GAN's
 * margin Δ(x, G(z)) does.
 */
export interface GanObjective {
  discriminator(realOut: tf.Tensor, fakeOut: tf.Tensor, real: tf.Tensor, fake: tf.Tensor): tf.Scalar;
  generator(fakeOut: tf.Tensor): tf.Scalar;
}
