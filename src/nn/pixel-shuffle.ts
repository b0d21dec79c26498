import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Shape = (number | null)[];

/**
 * Sub-pixel convolution's rearrangement (Shi et al. 2016), as SRGAN upsamples: NHWC
 * [n, h, w, c·r²] → [n, h·r, w·r, c], channel (dy·r + dx)·c + k of input pixel (y, x)
 * landing on output pixel (y·r + dy, x·r + dx), channel k — TensorFlow's depth_to_space
 * order. Written as reshape and transpose so it has gradients on every backend.
 */
export function pixelShuffle(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const [n, h, w, depth] = x.shape;
  const c = depth / (factor * factor);
  if (!Number.isInteger(c)) throw new Error(`pixel shuffle ×${factor} needs channels divisible by ${factor * factor}; got ${depth}`);
  return tf.tidy(() => {
    const split = tf.reshape(x, [n, h, w, factor, factor, c]);
    return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [n, h * factor, w * factor, c]) as tf.Tensor4D;
  });
}

export interface PixelShuffleArgs extends LayerArgs {
  factor: number;
}

/** {@link pixelShuffle} as a serialisable layer. */
export class PixelShuffle extends tfl.layers.Layer {
  static readonly className = 'GankitPixelShuffle';
  readonly factor: number;

  constructor(args: PixelShuffleArgs) {
    super(args);
    this.factor = args.factor;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const r = this.factor;
    return [n, h === null ? null : h * r, w === null ? null : w * r, c === null ? null : c / (r * r)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return pixelShuffle((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D, this.factor);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}
tf.serialization.registerClass(PixelShuffle);
