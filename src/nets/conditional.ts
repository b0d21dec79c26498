import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError, type ModelName } from './types.js';
import { concatCondition, conditionInput, projectionTerm, tagEmbedding } from '../nn/label-embedding.js';
import { dcganPlan } from './dcgan.js';
import { SeededGaussianNoise } from '../nn/seeded-noise.js';
import { SpectralConv2D, SpectralDense } from '../nn/spectral-norm.js';

/**
 * Networks with extra inputs and outputs, built with the tfjs-layers functional API so
 * they save in Layers format: a generator G(z, c) that takes a condition vector c beside
 * the noise (one-hot label, InfoGAN codes), and a discriminator whose body φ(x) feeds an
 * adversarial score and any number of linear heads (ACGAN classes, InfoGAN's Q, an
 * encoder's z), optionally seeing a condition by concatenation (CGAN, BiGAN's (x, z)) or
 * by projection (Miyato & Koyama 2018). Shapes follow src/nets/mlp.ts and dcgan.ts.
 */

export interface ConditionalGeneratorSpec {
  model: ModelName;
  dataShape: readonly number[];
  latentDim: number;
  /** Width of the condition vector c beside z; 0 builds a plain G(z). */
  conditionDim: number;
  /**
   * Tag sets: c (multi-hot) goes through a dense embedding of this width (tagEmbedding) before
   * it joins z; absent, c joins z as it is (a one-hot class, InfoGAN's codes).
   */
  conditionEmbedding?: number;
  hidden?: number[];
  name?: string;
}

export interface HeadSpec {
  name: string;
  units: number;
}

export interface ConditionalDiscriminatorSpec {
  model: ModelName;
  dataShape: readonly number[];
  hidden?: number[];
  /**
   * A vector the network sees beside x, and how: concatenated, or projected onto φ(x).
   * `embedding` (concat only): a dense tag-set embedding of that width first, as G's.
   * `atInput` (concat, dcgan only): the (embedded) condition joins x itself as constant
   * feature maps, so the first conv can match it against colours and shapes, instead of
   * joining the flattened features.
   */
  condition?: { size: number; mode: 'concat' | 'projection'; inputName?: string; embedding?: number; atInput?: boolean };
  /** Whether the first output is the adversarial score (default true). */
  adversarial?: boolean;
  /** Linear heads on the shared body φ(x), output after the score, in this order. */
  heads?: HeadSpec[];
  /**
   * Gaussian noise added in training only, to the input and after each hidden layer of an
   * MLP body (Salimans et al. 2016 use 0.3 and 0.5 for their semi-supervised MNIST D).
   * Seeded through seedNoise() (src/nn/seeded-noise.ts), so runs stay reproducible.
   */
  gaussianNoise?: { input: number; hidden: number };
  /** Also output the body's features φ(x), last (feature matching needs them). */
  featuresOutput?: boolean;
  /**
   * Spectral normalisation (Miyato et al. 2018) of every dense and conv kernel of D: the
   * body, the score and the heads (Miyato & Koyama's projection discriminator is trained so).
   */
  spectralNorm?: boolean;
  name?: string;
}

function act(kind: 'relu' | 'leaky-relu', x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const layer = kind === 'relu' ? tfl.layers.reLU() : tfl.layers.leakyReLU({ alpha: 0.2 });
  return layer.apply(x) as tfl.SymbolicTensor;
}

function dense(units: number, x: tfl.SymbolicTensor, opts: { activation?: 'tanh' | 'linear'; name?: string } = {}): tfl.SymbolicTensor {
  return tfl.layers.dense({ units, activation: opts.activation, name: opts.name }).apply(x) as tfl.SymbolicTensor;
}

function batchNorm(x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tfl.SymbolicTensor;
}

/** DCGAN's spatial plan for a shape (src/nets/dcgan.ts): 28×28, 32×32 and powers of two 16–256. */
function convPlan(dataShape: readonly number[]): { start: number; channels: number[] } {
  const { start, gChannels } = dcganPlan(dataShape);
  return { start, channels: gChannels };
}

function isPoints(dataShape: readonly number[]): boolean {
  return dataShape.length === 1;
}

/** G(z, c): the condition is concatenated with the noise at the input (Mirza & Osindero 2014). */
export function buildConditionalGenerator(spec: ConditionalGeneratorSpec): tfl.LayersModel {
  const dataShape = [...spec.dataShape];
  const z = tfl.input({ shape: [spec.latentDim], name: 'z' });
  const inputs = [z];
  let h = z;
  if (spec.conditionDim > 0) {
    const c = conditionInput(spec.conditionDim, 'condition');
    inputs.push(c);
    h = concatCondition(z, spec.conditionEmbedding ? tagEmbedding(c, spec.conditionEmbedding, 'tag_embedding') : c);
  }
  let out: tfl.SymbolicTensor;
  if (spec.model === 'mlp') {
    const points = isPoints(dataShape);
    const hidden = spec.hidden ?? (points ? [512, 512, 512] : [256, 512, 1024]);
    for (const units of hidden) h = act(points ? 'relu' : 'leaky-relu', dense(units, h));
    const size = dataShape.reduce((a, b) => a * b, 1);
    out = dense(size, h, { activation: points ? 'linear' : 'tanh' });
    if (!points) out = tfl.layers.reshape({ targetShape: dataShape }).apply(out) as tfl.SymbolicTensor;
  } else if (spec.model === 'dcgan') {
    const { start, channels } = convPlan(dataShape);
    h = act('relu', batchNorm(dense(start * start * channels[0], h)));
    h = tfl.layers.reshape({ targetShape: [start, start, channels[0]] }).apply(h) as tfl.SymbolicTensor;
    for (const filters of channels.slice(1)) {
      h = tfl.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
      h = act('relu', batchNorm(h));
    }
    out = tfl.layers.conv2dTranspose({ filters: dataShape[2], kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }).apply(h) as tfl.SymbolicTensor;
  } else {
    throw new NetworkError(`unknown model '${String(spec.model)}'; choose one of: mlp, dcgan`);
  }
  return tfl.model({ inputs, outputs: out, name: spec.name ?? 'generator' });
}

/**
 * D(x[, c]) → [score?, ...heads]. With an MLP the condition joins x at the input; with the
 * convolutional body it joins the flattened features, followed by one dense layer so that
 * x and c interact. Projection adds ⟨embed(c), φ(x)⟩ to the score instead.
 */
export function buildConditionalDiscriminator(spec: ConditionalDiscriminatorSpec): tfl.LayersModel {
  const dataShape = [...spec.dataShape];
  const adversarial = spec.adversarial ?? true;
  const heads = spec.heads ?? [];
  if (!adversarial && heads.length === 0) throw new NetworkError('a discriminator needs a score or at least one head');
  const x = tfl.input({ shape: dataShape, name: 'x' });
  const inputs = [x];
  let c: tfl.SymbolicTensor | null = null;
  if (spec.condition) {
    c = conditionInput(spec.condition.size, spec.condition.inputName ?? 'condition');
    inputs.push(c);
  }
  const concat = c !== null && spec.condition?.mode === 'concat';
  if (spec.condition?.embedding && !concat) throw new NetworkError('a condition embedding is for concatenation; projection embeds the condition itself');
  // What joins the features under concatenation: the condition, or its tag-set embedding.
  const joined = c && concat && spec.condition?.embedding ? tagEmbedding(c, spec.condition.embedding, 'tag_embedding') : c;
  const sn = spec.spectralNorm ?? false;
  const linear = (units: number, h: tfl.SymbolicTensor, opts: { name?: string } = {}) =>
    sn ? (new SpectralDense({ units, name: opts.name }).apply(h) as tfl.SymbolicTensor) : dense(units, h, opts);
  const downConv = (filters: number, h: tfl.SymbolicTensor) =>
    (sn
      ? new SpectralConv2D({ filters, kernelSize: 4, strides: 2, padding: 'same' })
      : tfl.layers.conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same' })
    ).apply(h) as tfl.SymbolicTensor;
  let phi: tfl.SymbolicTensor;
  if (spec.model === 'mlp') {
    const points = isPoints(dataShape);
    const hidden = spec.hidden ? [...spec.hidden].reverse() : points ? [512, 512, 512] : [512, 256];
    let h = points ? x : (tfl.layers.flatten().apply(x) as tfl.SymbolicTensor);
    const noise = spec.gaussianNoise;
    const addNoise = (t: tfl.SymbolicTensor, stddev: number) => (stddev > 0 ? (new SeededGaussianNoise({ stddev }).apply(t) as tfl.SymbolicTensor) : t);
    if (noise) h = addNoise(h, noise.input);
    if (concat && joined) h = concatCondition(h, joined);
    for (const units of hidden) {
      h = act(points ? 'relu' : 'leaky-relu', linear(units, h));
      if (noise) h = addNoise(h, noise.hidden);
    }
    phi = h;
  } else if (spec.model === 'dcgan') {
    const channels = [...convPlan(dataShape).channels].reverse();
    let h = x;
    const atInput = concat && joined && spec.condition?.atInput === true;
    if (atInput && joined) {
      // [batch, E] → [batch, H, W, E]: the condition as maps, the same at every pixel.
      const [height, width] = dataShape;
      const depth = joined.shape[joined.shape.length - 1] as number;
      const repeated = tfl.layers.repeatVector({ n: height * width }).apply(joined) as tfl.SymbolicTensor;
      const maps = tfl.layers.reshape({ targetShape: [height, width, depth], name: 'condition_maps' }).apply(repeated) as tfl.SymbolicTensor;
      h = concatCondition(x, maps);
    }
    channels.forEach((filters, i) => {
      h = downConv(filters, h);
      if (i > 0) h = batchNorm(h);
      h = act('leaky-relu', h);
    });
    h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
    if (concat && joined && !atInput) h = act('leaky-relu', linear(spec.hidden?.[0] ?? 512, concatCondition(h, joined)));
    phi = h;
  } else {
    throw new NetworkError(`unknown model '${String(spec.model)}'; choose one of: mlp, dcgan`);
  }
  const outputs: tfl.SymbolicTensor[] = [];
  if (adversarial) {
    let score = linear(1, phi, { name: 'score' });
    if (c && spec.condition?.mode === 'projection') {
      score = tfl.layers.add().apply([score, projectionTerm(phi, c)]) as tfl.SymbolicTensor;
    }
    outputs.push(score);
  }
  for (const head of heads) outputs.push(linear(head.units, phi, { name: head.name }));
  if (spec.featuresOutput) outputs.push(phi);
  return tfl.model({ inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: spec.name ?? 'discriminator' });
}
