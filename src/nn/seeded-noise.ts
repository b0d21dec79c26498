import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

/**
 * Where the training-time noise of SeededGaussianNoise layers comes from. TF.js's own
 * GaussianNoise draws from an unseeded global generator, which would make a run
 * irreproducible and a resumed run differ from an uninterrupted one. A variant calls
 * seedNoise() with a value from its step's seeded stream before its forward passes; every
 * noise draw after that is a pure function of (that value, how many draws came before).
 */
let noiseSeed = 0;
let noiseDraws = 0;

export function seedNoise(seed: number): void {
  noiseSeed = seed >>> 0;
  noiseDraws = 0;
}

function nextSeed(): number {
  let h = (noiseSeed ^ Math.imul(++noiseDraws, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface SeededGaussianNoiseArgs extends LayerArgs {
  stddev: number;
}

/** Adds N(0, stddev²) noise in training only (identity at inference), from the seeded source above. */
export class SeededGaussianNoise extends tfl.layers.Layer {
  static className = 'GankitSeededGaussianNoise';
  readonly stddev: number;

  constructor(args: SeededGaussianNoiseArgs) {
    super(args);
    this.stddev = args.stddev;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.stddev === 0) return tf.clone(x);
    const seed = nextSeed();
    return tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, this.stddev, 'float32', seed)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

tf.serialization.registerClass(SeededGaussianNoise);
