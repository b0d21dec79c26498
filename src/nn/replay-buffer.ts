import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/rng.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

interface ReplayMemoryArgs extends LayerArgs {
  capacity: number;
  imageShape: number[];
}

/**
 * An identity layer whose non-trainable weights are the buffer's images and fill count,
 * so the buffer is saved and restored with the run's other models and a resumed run
 * replays exactly what an uninterrupted one would.
 */
class ReplayMemory extends tfl.layers.Layer {
  static readonly className = 'GankitReplayMemory';
  readonly capacity: number;
  readonly imageShape: number[];
  images: tfl.LayerVariable | null = null;
  count: tfl.LayerVariable | null = null;

  constructor(args: ReplayMemoryArgs) {
    super(args);
    this.capacity = args.capacity;
    this.imageShape = args.imageShape;
  }

  override build(): void {
    this.images = this.addWeight('images', [Math.max(1, this.capacity), ...this.imageShape], 'float32', tfl.initializers.zeros(), undefined, false);
    this.count = this.addWeight('count', [1], 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clone(Array.isArray(inputs) ? inputs[0] : inputs);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), capacity: this.capacity, imageShape: this.imageShape };
  }
}
tf.serialization.registerClass(ReplayMemory);

/**
 * The image history buffer of Shrivastava et al. (2017) as CycleGAN uses it: D is shown a
 * mix of the newest fakes and older ones, so G cannot win by oscillating. Until the
 * buffer is full every image is stored and returned as it is; afterwards each image,
 * with probability ½, is swapped with a random stored one (the old one is returned, the
 * new one kept), and otherwise returned unchanged.
 */
export class ReplayBuffer {
  readonly capacity: number;
  /** Holds the buffer as weights, for checkpoints (input [1], output = input). */
  readonly model: tfl.LayersModel;
  private readonly memory: ReplayMemory;
  private readonly imageSize: number;

  constructor(capacity: number, imageShape: readonly number[], name = 'replay') {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`replay buffer capacity must be a whole number ≥ 0; got ${capacity}`);
    this.capacity = capacity;
    this.imageSize = imageShape.reduce((a, b) => a * b, 1);
    this.memory = new ReplayMemory({ capacity, imageShape: [...imageShape], inputShape: [1], name: `${name}_memory` });
    this.model = tfl.sequential({ layers: [this.memory], name });
  }

  /** How many images are stored. */
  get size(): number {
    return Math.round(this.memory.count!.read().dataSync()[0]);
  }

  /** The stored images, [size, ...imageShape] (a new tensor the caller owns). */
  contents(): tf.Tensor {
    const n = this.size;
    return tf.tidy(() => tf.slice(this.memory.images!.read(), 0, n));
  }

  /** Returns the batch D should see for `images` and updates the buffer. The caller owns the result. */
  query(images: tf.Tensor, rng: Rng): tf.Tensor {
    if (this.capacity === 0) return tf.clone(images);
    const per = this.imageSize;
    const batch = images.shape[0];
    const incoming = images.dataSync();
    const stored = this.memory.images!.read().dataSync().slice();
    let count = this.size;
    const out = new Float32Array(incoming.length);
    for (let i = 0; i < batch; i++) {
      const image = incoming.subarray(i * per, (i + 1) * per);
      if (count < this.capacity) {
        stored.set(image, count * per);
        count++;
        out.set(image, i * per);
      } else if (rng.uniform() < 0.5) {
        const j = rng.int(this.capacity);
        out.set(stored.subarray(j * per, (j + 1) * per), i * per);
        stored.set(image, j * per);
      } else {
        out.set(image, i * per);
      }
    }
    const storedT = tf.tensor(stored, this.memory.images!.shape as number[]);
    const countT = tf.tensor1d([count]);
    this.memory.images!.write(storedT);
    this.memory.count!.write(countT);
    tf.dispose([storedT, countT]);
    return tf.tensor(out, images.shape);
  }

  dispose(): void {
    this.model.dispose();
  }
}
