import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface MinibatchStddevArgs extends LayerArgs {
  /** Samples per group (Karras et al. use 4); a batch not divisible by it uses one group. */
  groupSize?: number;
}

/**
 * Minibatch standard deviation (Karras et al. 2018, §3): within each group of samples,
 * the standard deviation of every feature over the group, averaged over features, is
 * appended to each sample as one extra feature (a channel for images). A generator whose
 * samples collapse gives D a visibly smaller statistic than real data.
 * Sample n belongs to group member n mod (N / groupSize), as in Karras' reshape.
 */
export class MinibatchStddev extends tfl.layers.Layer {
  static className = 'GankitMinibatchStddev';
  readonly groupSize: number;

  constructor(args: MinibatchStddevArgs = {}) {
    super(args);
    this.groupSize = args.groupSize ?? 4;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const last = shape[shape.length - 1];
    return [...shape.slice(0, -1), last === null ? null : last + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const n = x.shape[0];
      const group = n % this.groupSize === 0 ? this.groupSize : n;
      const members = n / group;
      const grouped = tf.reshape(x, [group, members, ...x.shape.slice(1)]);
      const mean = tf.mean(grouped, 0, true);
      const std = tf.sqrt(tf.add(tf.mean(tf.square(tf.sub(grouped, mean)), 0), 1e-8)); // [members, ...F]
      const featureAxes = std.shape.slice(1).map((_, i) => i + 1);
      const stat = tf.mean(std, featureAxes); // [members]
      const perSample = tf.tile(stat, [group]); // sample g·members + m gets stat[m]
      const extraShape = [n, ...x.shape.slice(1, -1), 1];
      const extra = tf.mul(tf.ones(extraShape), tf.reshape(perSample, [n, ...x.shape.slice(1).map(() => 1)]));
      return tf.concat([x, extra], x.shape.length - 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

tf.serialization.registerClass(MinibatchStddev);
