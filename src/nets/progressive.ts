import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PixelNorm } from '../nn/pixel-norm.js';
import { EqualizedConv2D, EqualizedDense } from '../nn/equalized.js';
import { MinibatchStddev } from '../nn/minibatch-stddev.js';
import { Rng } from '../core/rng.js';
import { NetworkError } from './types.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Flow = tf.Tensor | tfl.SymbolicTensor;

/** The resolutions the networks grow through: 4×4 → 8×8 → 16×16 → 32×32. */
export const PROGRESSIVE_RESOLUTIONS = [4, 8, 16, 32] as const;

/**
 * Nearest-neighbour 2× upscaling built from reshape and a broadcast multiply, so that
 * gradients of gradients (WGAN-GP) exist; TF.js's resize ops have no second-order
 * gradient and its tile has no gradient beyond rank 4.
 */
export function upscale2x(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const repeated = tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
    return tf.reshape(repeated, [n, h * 2, w * 2, c]);
  });
}

/** 2×2 average pooling as reshape + mean (differentiable to any order, unlike AvgPoolGrad). */
export function downscale2x(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    return tf.mean(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [2, 4]);
  });
}

/** Repeats {@link upscale2x} or {@link downscale2x} until the image is `size` pixels wide. */
export function rescale(x: tf.Tensor, size: number): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    while (y.shape[1]! < size) y = upscale2x(y);
    while (y.shape[1]! > size) y = downscale2x(y);
    return y;
  });
}

function shapeOf(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
}

class Upscale2x extends tfl.layers.Layer {
  static readonly className = 'GankitUpscale2x';
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w, c] = shapeOf(inputShape);
    return [n, h === null ? null : h * 2, w === null ? null : w * 2, c];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return upscale2x(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}
tf.serialization.registerClass(Upscale2x);

class Downscale2x extends tfl.layers.Layer {
  static readonly className = 'GankitDownscale2x';
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w, c] = shapeOf(inputShape);
    return [n, h === null ? null : h / 2, w === null ? null : w / 2, c];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return downscale2x(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}
tf.serialization.registerClass(Downscale2x);

/**
 * An identity layer that stores the training step the networks have reached as a
 * non-trainable weight, so a checkpoint knows its growth phase and fade-in α.
 */
export class GrowthClock extends tfl.layers.Layer {
  static readonly className = 'GankitGrowthClock';
  private stepWeight: tfl.LayerVariable | null = null;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(): void {
    this.stepWeight = this.addWeight('step', [1], 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clone(Array.isArray(inputs) ? inputs[0] : inputs);
  }

  get step(): number {
    return this.stepWeight ? Math.round(this.stepWeight.read().dataSync()[0]) : 0;
  }

  set step(value: number) {
    if (!this.stepWeight) throw new NetworkError('the growth clock is not built yet');
    const v = tf.tensor1d([value]);
    this.stepWeight.write(v);
    v.dispose();
  }
}
tf.serialization.registerClass(GrowthClock);

export interface ProgressiveSpec {
  latentDim: number;
  /** Image channels (1 for MNIST). */
  imageChannels: number;
  /** Feature maps at 4, 8, 16 and 32 pixels. */
  channels: readonly number[];
  /** Samples per minibatch-stddev group in D. */
  minibatchGroupSize: number;
}

export interface ProgressiveNetworks {
  /** z → [image at 4×4, 8×8, 16×16, 32×32]: every resolution's layers, for checkpoints. */
  generator: tfl.LayersModel;
  /** [image at 4×4, ..., 32×32] → [score at each]: every resolution's layers. */
  discriminator: tfl.LayersModel;
  /** The step the networks have been trained to (stored inside the generator's weights). */
  clock: GrowthClock;
  /**
   * G at level ℓ (0 = 4×4, …, 3 = 32×32) with fade-in α: the new block's output blended
   * with the 2× upscaled output of the level below, α·new + (1 − α)·old.
   */
  generate(z: tf.Tensor, level: number, alpha: number): tf.Tensor;
  /** D at level ℓ with fade-in α: the new block's features blended with the old from-RGB path. */
  discriminate(x: tf.Tensor, level: number, alpha: number): tf.Tensor;
  /** G's variables that level ℓ uses (the level below's to-RGB included, for the fade). */
  generatorVariables(level: number): tf.Variable[];
  discriminatorVariables(level: number): tf.Variable[];
}

function chain<T extends Flow>(layers: readonly tfl.layers.Layer[], x: T): T {
  let h: Flow = x;
  for (const layer of layers) h = layer.apply(h) as Flow;
  return h as T;
}

function variablesOf(blocks: ReadonlyArray<readonly tfl.layers.Layer[]>): tf.Variable[] {
  return blocks.flat().flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
}

const lrelu = () => tfl.layers.leakyReLU({ alpha: 0.2 });

/**
 * The progressively grown networks of Karras et al. (2018), at 4→8→16→32: G blocks of
 * (upscale, conv3, conv3) with pixel norm after every conv, D the mirror with
 * average-pool downscaling and a minibatch-stddev channel before its last block; every
 * conv and dense layer has an equalised learning rate. All resolutions are built up
 * front (so one checkpoint holds the whole growing network); which path runs, and how
 * much of the new block is faded in, is chosen per call.
 */
export function buildProgressive(spec: ProgressiveSpec): ProgressiveNetworks {
  const levels = PROGRESSIVE_RESOLUTIONS.length;
  if (spec.channels.length !== levels) {
    throw new NetworkError(`progressive needs ${levels} channel counts (for 4, 8, 16, 32 pixels); got ${spec.channels.length}`);
  }
  const C = spec.channels;
  const clock = new GrowthClock({ name: 'growth_clock' });

  // Generator.
  const gBlocks: tfl.layers.Layer[][] = [];
  gBlocks.push([
    new PixelNorm({ name: 'g_latent_norm' }),
    new EqualizedDense({ units: 16 * C[0], name: 'g4_dense' }),
    tfl.layers.reshape({ targetShape: [4, 4, C[0]], name: 'g4_reshape' }),
    lrelu(),
    new PixelNorm(),
    new EqualizedConv2D({ filters: C[0], kernelSize: 3, name: 'g4_conv' }),
    lrelu(),
    new PixelNorm(),
  ]);
  for (let i = 1; i < levels; i++) {
    const r = PROGRESSIVE_RESOLUTIONS[i];
    gBlocks.push([
      new Upscale2x({ name: `g${r}_upscale` }),
      new EqualizedConv2D({ filters: C[i], kernelSize: 3, name: `g${r}_conv1` }),
      lrelu(),
      new PixelNorm(),
      new EqualizedConv2D({ filters: C[i], kernelSize: 3, name: `g${r}_conv2` }),
      lrelu(),
      new PixelNorm(),
    ]);
  }
  const toRgb = PROGRESSIVE_RESOLUTIONS.map((r) => [new EqualizedConv2D({ filters: spec.imageChannels, kernelSize: 1, gain: 1, name: `g${r}_to_rgb` })]);

  const z = tfl.input({ shape: [spec.latentDim], name: 'z' });
  let h = chain([clock, ...gBlocks[0]], z);
  const gOutputs = [chain(toRgb[0], h)];
  for (let i = 1; i < levels; i++) {
    h = chain(gBlocks[i], h);
    gOutputs.push(chain(toRgb[i], h));
  }
  const generator = tfl.model({ inputs: z, outputs: gOutputs, name: 'generator' });

  // Discriminator.
  const fromRgb = PROGRESSIVE_RESOLUTIONS.map((r, i) => [new EqualizedConv2D({ filters: C[i], kernelSize: 1, name: `d${r}_from_rgb` }), lrelu()]);
  const dBlocks: tfl.layers.Layer[][] = [
    [
      new MinibatchStddev({ groupSize: spec.minibatchGroupSize, name: 'd4_minibatch_stddev' }),
      new EqualizedConv2D({ filters: C[0], kernelSize: 3, name: 'd4_conv' }),
      lrelu(),
      tfl.layers.flatten({ name: 'd4_flatten' }),
      new EqualizedDense({ units: C[0], name: 'd4_dense' }),
      lrelu(),
      new EqualizedDense({ units: 1, gain: 1, name: 'd4_out' }),
    ],
  ];
  for (let i = 1; i < levels; i++) {
    const r = PROGRESSIVE_RESOLUTIONS[i];
    dBlocks.push([
      new EqualizedConv2D({ filters: C[i], kernelSize: 3, name: `d${r}_conv1` }),
      lrelu(),
      new EqualizedConv2D({ filters: C[i - 1], kernelSize: 3, name: `d${r}_conv2` }),
      lrelu(),
      new Downscale2x({ name: `d${r}_downscale` }),
    ]);
  }
  const dInputs = PROGRESSIVE_RESOLUTIONS.map((r) => tfl.input({ shape: [r, r, spec.imageChannels], name: `image_${r}` }));
  const dOutputs = dInputs.map((x, level) => {
    let f = chain(fromRgb[level], x);
    for (let j = level; j >= 1; j--) f = chain(dBlocks[j], f);
    return chain(dBlocks[0], f);
  });
  const discriminator = tfl.model({ inputs: dInputs, outputs: dOutputs, name: 'discriminator' });

  const checkLevel = (level: number) => {
    if (!Number.isInteger(level) || level < 0 || level >= levels) throw new NetworkError(`progressive level must be 0..${levels - 1}; got ${level}`);
  };

  return {
    generator,
    discriminator,
    clock,
    generate(zIn, level, alpha) {
      checkLevel(level);
      return tf.tidy(() => {
        let features = chain(gBlocks[0], zIn);
        let previous = features;
        for (let i = 1; i <= level; i++) {
          previous = features;
          features = chain(gBlocks[i], features);
        }
        const image = chain(toRgb[level], features);
        if (level === 0 || alpha >= 1) return image;
        const old = upscale2x(chain(toRgb[level - 1], previous));
        return tf.add(tf.mul(image, alpha), tf.mul(old, 1 - alpha));
      });
    },
    discriminate(x, level, alpha) {
      checkLevel(level);
      return tf.tidy(() => {
        let f = chain(fromRgb[level], x);
        if (level > 0) {
          f = chain(dBlocks[level], f);
          if (alpha < 1) f = tf.add(tf.mul(f, alpha), tf.mul(chain(fromRgb[level - 1], downscale2x(x)), 1 - alpha));
        }
        for (let j = level - 1; j >= 1; j--) f = chain(dBlocks[j], f);
        return chain(dBlocks[0], f);
      });
    },
    generatorVariables(level) {
      checkLevel(level);
      return variablesOf([...gBlocks.slice(0, level + 1), ...(level > 0 ? [toRgb[level - 1]] : []), toRgb[level]]);
    },
    discriminatorVariables(level) {
      checkLevel(level);
      return variablesOf([...(level > 0 ? [fromRgb[level - 1]] : []), fromRgb[level], ...dBlocks.slice(0, level + 1)]);
    },
  };
}

/**
 * Seeded initialisation for equalised layers: every kernel N(0, 1) (the He constant is
 * applied at run time), every bias and the growth clock 0.
 */
export function initializeProgressive(model: tfl.LayersModel, seed: number, stream: number): void {
  const rng = Rng.derive(seed, 0, stream);
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName ?? w.name;
    return /kernel/.test(name) ? tf.tensor(rng.normals(n), shape) : tf.zeros(shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}
