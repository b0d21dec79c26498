import * as tf from '@tensorflow/tfjs-core';
import type { AdversarialLoss } from './types.js';

/**
 * Hinge loss (Lim & Ye 2017; Miyato et al. 2018 with spectral norm; SAGAN, BigGAN):
 * D minimises E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]; G minimises −E[D(G(z))].
 */
export function hinge(): AdversarialLoss {
  return {
    name: 'hinge',
    discriminator: (realOut, fakeOut) =>
      tf.tidy(() => tf.add(tf.mean(tf.relu(tf.sub(1, realOut))), tf.mean(tf.relu(tf.add(1, fakeOut)))) as tf.Scalar),
    generator: (fakeOut) => tf.tidy(() => tf.neg(tf.mean(fakeOut)) as tf.Scalar),
    probability: null,
  };
}
