import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

/**
 * Pixelwise feature normalisation (Karras et al. 2018, §4.2): each pixel's feature vector
 * is divided by its root mean square over channels, b = a / sqrt(mean_j a_j² + ε).
 * It keeps G's signal magnitudes from escalating without batch statistics.
 */
export function pixelNorm(x: tf.Tensor, epsilon = 1e-8): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), epsilon))));
}

export interface PixelNormArgs extends NonNullable<LayerArgs> {
  epsilon?: number;
}

/** {@link pixelNorm} as a serialisable layer (normalises over the last axis). */
export class PixelNorm extends tfl.layers.Layer {
  static readonly className = 'GankitPixelNorm';
  readonly epsilon: number;

  constructor(args: PixelNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-8;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return pixelNorm(Array.isArray(inputs) ? inputs[0] : inputs, this.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(PixelNorm);
