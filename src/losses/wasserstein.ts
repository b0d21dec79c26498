import * as tf from '@tensorflow/tfjs-core';
import type { AdversarialLoss } from './types.js';

/**
 * Wasserstein GAN (Arjovsky et al. 2017): the critic estimates W1 = E[f(x)] − E[f(G(z))]
 * over 1-Lipschitz f, so it minimises E[f(G(z))] − E[f(x)] and G minimises −E[f(G(z))].
 * The Lipschitz constraint comes from weight clipping (WGAN) or the gradient penalty
 * (WGAN-GP, Gulrajani et al. 2017); see ./penalties.ts.
 */
export function wasserstein(name: 'wgan' | 'wgan-gp' = 'wgan'): AdversarialLoss {
  return {
    name,
    discriminator: (realOut, fakeOut) => tf.tidy(() => tf.sub(tf.mean(fakeOut), tf.mean(realOut)) as tf.Scalar),
    generator: (fakeOut) => tf.tidy(() => tf.neg(tf.mean(fakeOut)) as tf.Scalar),
    probability: null,
  };
}
