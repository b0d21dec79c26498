import * as tf from '@tensorflow/tfjs-core';
import type { AdversarialLoss } from './types.js';
import { bceWithLogits } from './bce.js';

export interface GoodfellowOptions {
  /**
   * One-sided label smoothing (Salimans et al. 2016): the target for real samples, e.g.
   * 0.9. Fake targets stay 0, since smoothing them would reward samples far from the data.
   */
  realLabel?: number;
}

/** D maximises log D(x) + log(1 − D(G(z))): as a loss, BCE with targets 1 (real) and 0 (fake). */
function discriminatorLoss(realLabel: number) {
  return (realOut: tf.Tensor, fakeOut: tf.Tensor): tf.Scalar =>
    tf.tidy(() => tf.add(bceWithLogits(realOut, realLabel), bceWithLogits(fakeOut, 0)) as tf.Scalar);
}

/**
 * The original minimax game (Goodfellow et al. 2014, eq. 1): G minimises log(1 − D(G(z))).
 * It saturates: when D confidently rejects fakes early on, G's gradient vanishes.
 */
export function minimax(opts: GoodfellowOptions = {}): AdversarialLoss {
  return {
    name: 'minimax',
    discriminator: discriminatorLoss(opts.realLabel ?? 1),
    // log(1 − σ(f)) = −softplus(f)
    generator: (fakeOut) => tf.tidy(() => tf.neg(tf.mean(tf.softplus(fakeOut))) as tf.Scalar),
    probability: (out) => tf.sigmoid(out),
  };
}

/**
 * The non-saturating variant from the same paper (§3): G maximises log D(G(z)) instead,
 * which has the same fixed point and strong gradients when D wins.
 */
export function nonSaturating(opts: GoodfellowOptions = {}): AdversarialLoss {
  return {
    name: 'non-saturating',
    discriminator: discriminatorLoss(opts.realLabel ?? 1),
    generator: (fakeOut) => bceWithLogits(fakeOut, 1),
    probability: (out) => tf.sigmoid(out),
  };
}
