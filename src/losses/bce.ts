import * as tf from '@tensorflow/tfjs-core';

/**
 * Binary cross-entropy on logits against a constant target t, averaged:
 * −[t·log σ(x) + (1−t)·log(1−σ(x))] = t·softplus(−x) + (1−t)·softplus(x).
 * Stable for any logit (softplus never overflows), unlike log(sigmoid(x)).
 */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const pos = tf.softplus(tf.neg(logits));
    const neg = tf.softplus(logits);
    if (target === 1) return tf.mean(pos) as tf.Scalar;
    if (target === 0) return tf.mean(neg) as tf.Scalar;
    return tf.mean(tf.add(tf.mul(pos, target), tf.mul(neg, 1 - target))) as tf.Scalar;
  });
}
