import * as tf from '@tensorflow/tfjs-core';

/**
 * Loss-Sensitive GAN (Qi 2017, "Loss-Sensitive Generative Adversarial Networks on
 * Lipschitz Densities") — not LSGAN (Mao et al., least squares: see ./least-squares.ts).
 *
 * A loss function L_θ(x) ≥ 0 should score real samples lower than generated ones by a
 * data-dependent margin Δ(x, G(z)):
 *   L_θ minimises  E_x L_θ(x) + λ·E_{x,z} (Δ(x, G(z)) + L_θ(x) − L_θ(G(z)))₊
 *   G   minimises  E_z L_θ(G(z))
 * with L_θ Lipschitz (weight decay in Qi's experiments). Here L_θ(x) = softplus(D(x)):
 * non-negative as Qi's reference code makes it (with a ReLU), without a ReLU's dead zone.
 */
export const MARGINS = ['l1', 'l2'] as const;
export type MarginKind = (typeof MARGINS)[number];

/** L_θ(x) from D's raw output. */
export function sensitiveLoss(rawOut: tf.Tensor): tf.Tensor {
  return tf.softplus(rawOut);
}

/**
 * Δ(x, G(z)) per pair: scale × the mean absolute (l1) or root-mean-square (l2) difference
 * over the sample's dimensions, so one scale fits points and images.
 */
export function margin(real: tf.Tensor, fake: tf.Tensor, kind: MarginKind = 'l1', scale = 1): tf.Tensor1D {
  return tf.tidy(() => {
    const axes = real.shape.slice(1).map((_, i) => i + 1);
    const d = tf.sub(real, fake);
    const m = kind === 'l1' ? tf.mean(tf.abs(d), axes) : tf.sqrt(tf.add(tf.mean(tf.square(d), axes), 1e-12));
    return tf.mul(m, scale) as tf.Tensor1D;
  });
}

/** What L_θ minimises, from D's raw outputs on paired real and fake samples and their margins. */
export function lossSensitiveCritic(realOut: tf.Tensor, fakeOut: tf.Tensor, delta: tf.Tensor1D, slackWeight = 1): tf.Scalar {
  return tf.tidy(() => {
    const lReal = tf.reshape(sensitiveLoss(realOut), [-1]);
    const lFake = tf.reshape(sensitiveLoss(fakeOut), [-1]);
    const slack = tf.relu(tf.sub(tf.add(delta, lReal), lFake));
    return tf.add(tf.mean(lReal), tf.mul(slackWeight, tf.mean(slack))) as tf.Scalar;
  });
}

/** What G minimises: E_z L_θ(G(z)). */
export function lossSensitiveGenerator(fakeOut: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(sensitiveLoss(fakeOut)) as tf.Scalar);
}
