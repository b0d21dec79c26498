import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError } from './types.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

/**
 * Where the masks of SeededDropout layers come from. TF.js's own dropout draws from an
 * unseeded generator, which would make a run irreproducible; a variant calls seedDropout()
 * with a value from its step's seeded stream before a forward pass, and every mask after
 * that is a pure function of (that value, how many masks came before).
 */
let dropoutSeed = 0;
let dropoutDraws = 0;

export function seedDropout(seed: number): void {
  dropoutSeed = seed >>> 0;
  dropoutDraws = 0;
}

function nextDropoutSeed(): number {
  let h = (dropoutSeed ^ Math.imul(++dropoutDraws, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
}

/** Inverted dropout in training only (identity at inference), masks from the seeded source above. */
export class SeededDropout extends tfl.layers.Layer {
  static readonly className = 'GankitSeededDropout';
  readonly rate: number;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return tf.clone(x);
    return tf.dropout(x, this.rate, undefined, nextDropoutSeed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);

export interface UnetSpec {
  /** Shape of one input image, [h, w, c]; h and w divisible by 2^depth. */
  inputShape: readonly number[];
  /** Channels of the output image. */
  outChannels: number;
  /** Feature maps of the first encoder conv; each level down doubles them. */
  filters: number;
  /** Stride-2 levels: 28×28 with depth 2 goes 28 → 14 → 7 and back. */
  depth: number;
  /** Dropout rate on the decoder's inner levels: pix2pix's noise in place of z. */
  dropout: number;
}

/**
 * The U-Net generator of pix2pix (Isola et al. 2017), scaled down: an encoder of 4×4
 * stride-2 convs (LeakyReLU 0.2, batch norm after the first), a decoder of 4×4 stride-2
 * transposed convs (batch norm, dropout on all but the outermost, ReLU), and at every
 * level a skip that concatenates the encoder's features with the decoder's, so detail at
 * full resolution does not have to pass through the bottleneck. The input image itself
 * joins the last layer: a 3×3 conv with tanh over [decoder output, input].
 */
export function buildUnet(spec: UnetSpec, name = 'generator'): tfl.LayersModel {
  if (spec.inputShape.length !== 3) throw new NetworkError(`the U-Net needs [h, w, c] images; got [${spec.inputShape}]`);
  const [h, w] = spec.inputShape;
  const step = 2 ** spec.depth;
  if (spec.depth < 1 || h % step !== 0 || w % step !== 0) {
    throw new NetworkError(`a U-Net of depth ${spec.depth} needs image sides divisible by ${step}; got ${h}×${w} (use options.depth ${largestDepth(h, w)})`);
  }
  const input = tfl.input({ shape: [...spec.inputShape], name: `${name}_input` });
  const skips: tfl.SymbolicTensor[] = [];
  let x: tfl.SymbolicTensor = input;
  for (let level = 0; level < spec.depth; level++) {
    x = tfl.layers.conv2d({ filters: spec.filters * 2 ** level, kernelSize: 4, strides: 2, padding: 'same', name: `${name}_down${level}` }).apply(x) as tfl.SymbolicTensor;
    if (level > 0) x = tfl.layers.batchNormalization({ name: `${name}_down${level}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
    skips.push(x);
  }
  for (let level = spec.depth - 1; level >= 0; level--) {
    if (level < spec.depth - 1) x = tfl.layers.concatenate({ name: `${name}_skip${level}` }).apply([x, skips[level]]) as tfl.SymbolicTensor;
    x = tfl.layers.conv2dTranspose({ filters: spec.filters * 2 ** Math.max(0, level - 1), kernelSize: 4, strides: 2, padding: 'same', name: `${name}_up${level}` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ name: `${name}_up${level}_bn` }).apply(x) as tfl.SymbolicTensor;
    if (level > 0 && spec.dropout > 0) x = new SeededDropout({ rate: spec.dropout, name: `${name}_up${level}_dropout` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  }
  const joined = tfl.layers.concatenate({ name: `${name}_skip_input` }).apply([x, input]) as tfl.SymbolicTensor;
  const out = tfl.layers.conv2d({ filters: spec.outChannels, kernelSize: 3, padding: 'same', activation: 'tanh', name: `${name}_out` }).apply(joined) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

/** The deepest U-Net an h×w image allows. */
export function largestDepth(h: number, w: number): number {
  let d = 0;
  while (h % 2 ** (d + 1) === 0 && w % 2 ** (d + 1) === 0) d++;
  return d;
}
