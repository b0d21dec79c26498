import * as tf from '@tensorflow/tfjs-core';
import type { AdversarialLoss } from './types.js';

/**
 * LSGAN (Mao et al. 2017), with the 0-1 coding a=0, b=1, c=1:
 * D minimises ½E[(D(x) − 1)²] + ½E[D(G(z))²]; G minimises ½E[(D(G(z)) − 1)²].
 */
export function leastSquares(): AdversarialLoss {
  return {
    name: 'least-squares',
    discriminator: (realOut, fakeOut) =>
      tf.tidy(() => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realOut, 1))), tf.mean(tf.square(fakeOut)))) as tf.Scalar),
    generator: (fakeOut) => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeOut, 1)))) as tf.Scalar),
    probability: null,
  };
}
