import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Dataset, StoredDataset } from '../data/types.js';
import { initializeWeights } from '../nets/init.js';
import { PixelShuffle } from '../nn/pixel-shuffle.js';
import type { RunConfig } from '../train/config.js';
import { applyTraining, realBatch, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import type { Critic } from './step.js';
import { STREAM, type GanVariant } from './types.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';

export const SrganOptionsSchema = z
  .object({
    /** Upscaling factor: 2 or 4 (7×7 → 28×28 digits). */
    scale: z.union([z.literal(2), z.literal(4)]).default(4),
    /** Weight of the content loss, pixel MSE to the high-resolution image. */
    contentWeight: z.number().nonnegative().default(1),
    /** Weight of the adversarial term (the paper's 10⁻³); 0 trains the same G on MSE alone (SRResNet). */
    adversarialWeight: z.number().nonnegative().default(1e-3),
    /** Feature maps of G's residual trunk and D's first conv. */
    filters: z.number().int().positive().default(32),
    /** Residual blocks in G (the paper's 16). */
    blocks: z.number().int().nonnegative().default(4),
  })
  .strict();
export type SrganOptions = z.output<typeof SrganOptionsSchema>;

export interface SrganVariant extends GanVariant {
  readonly scale: number;
  /** Shape of one low-resolution input, [h/scale, w/scale, c]. */
  readonly inputShape: readonly number[];
  /** Box downscaling by the run's factor (an average pool), model space; the caller owns the result. */
  downscale(hr: tf.Tensor): tf.Tensor;
  /** G(lr) in model space, inference mode; the caller owns the result. */
  upscale(lr: tf.Tensor): tf.Tensor;
  /** Rows of n/3 low-resolution inputs (nearest-neighbour enlarged), G's outputs, the originals. */
  sampleGrid(n: number, rng: Rng): tf.Tensor;
}

export function isSrgan(v: GanVariant): v is SrganVariant {
  return v.name === 'srgan';
}

/** One SRResNet block: conv–BN–PReLU–conv–BN plus the block's input. */
function residualBlock(x: tfl.SymbolicTensor, filters: number, name: string): tfl.SymbolicTensor {
  const conv = (label: string) => tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_${label}` });
  let h = conv('conv1').apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ name: `${name}_bn1` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.prelu({ sharedAxes: [1, 2], name: `${name}_prelu` }).apply(h) as tfl.SymbolicTensor;
  h = conv('conv2').apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ name: `${name}_bn2` }).apply(h) as tfl.SymbolicTensor;
  return tfl.layers.add({ name: `${name}_sum` }).apply([x, h]) as tfl.SymbolicTensor;
}

/**
 * SRGAN's generator (Ledig et al. 2017), scaled down: a 3×3 conv with PReLU, residual
 * blocks with a skip over the whole trunk, then per ×2 a conv to 4× the features and a
 * pixel shuffle (sub-pixel convolution) with PReLU, and a 3×3 conv with tanh to the image.
 */
export function buildSrGenerator(spec: { inputShape: readonly number[]; filters: number; blocks: number; scale: number }, name = 'generator'): tfl.LayersModel {
  const [h, w, c] = spec.inputShape;
  const f = spec.filters;
  const input = tfl.input({ shape: [h, w, c], name: `${name}_low_res` });
  const head = tfl.layers.prelu({ sharedAxes: [1, 2], name: `${name}_head_prelu` }).apply(
    tfl.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', name: `${name}_head` }).apply(input),
  ) as tfl.SymbolicTensor;
  let x = head;
  for (let b = 0; b < spec.blocks; b++) x = residualBlock(x, f, `${name}_block${b}`);
  x = tfl.layers.batchNormalization({ name: `${name}_trunk_bn` }).apply(tfl.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', name: `${name}_trunk` }).apply(x)) as tfl.SymbolicTensor;
  x = tfl.layers.add({ name: `${name}_trunk_sum` }).apply([head, x]) as tfl.SymbolicTensor;
  for (let i = 0; 2 ** i < spec.scale; i++) {
    x = tfl.layers.conv2d({ filters: 4 * f, kernelSize: 3, padding: 'same', name: `${name}_up${i}` }).apply(x) as tfl.SymbolicTensor;
    x = new PixelShuffle({ factor: 2, name: `${name}_up${i}_shuffle` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.prelu({ sharedAxes: [1, 2], name: `${name}_up${i}_prelu` }).apply(x) as tfl.SymbolicTensor;
  }
  const out = tfl.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'tanh', name: `${name}_out` }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

/**
 * SRGAN's discriminator, scaled down: 3×3 convs alternating stride 1 and 2 (LeakyReLU 0.2,
 * batch norm after the first), doubling the features at every stride 2, then dense 64 and
 * one raw score per image.
 */
export function buildSrDiscriminator(imageShape: readonly number[], filters: number, name = 'discriminator'): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = [];
  const widths = [filters, filters, 2 * filters, 2 * filters];
  widths.forEach((width, i) => {
    layers.push(tfl.layers.conv2d({ filters: width, kernelSize: 3, strides: i % 2 === 1 ? 2 : 1, padding: 'same', ...(i === 0 ? { inputShape: [...imageShape] } : {}) }));
    if (i > 0) layers.push(tfl.layers.batchNormalization());
    layers.push(tfl.layers.leakyReLU({ alpha: 0.2 }));
  });
  layers.push(tfl.layers.flatten(), tfl.layers.dense({ units: 64 }), tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.dense({ units: 1 }));
  return tfl.sequential({ name, layers });
}

const mse = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.squaredDifference(a, b)) as tf.Scalar;

/**
 * SRGAN (Ledig et al. 2017): G maps a low-resolution image to one `scale` times larger,
 * D judges high-resolution images, real against G's; G minimises the content loss (pixel
 * MSE to the original) plus a small adversarial term. Low-resolution inputs are made on the
 * fly from the data's images by box downscaling, so any image set trains it.
 */
export function buildSrgan(config: RunConfig, data: Dataset): SrganVariant {
  const { own: opts, stabilisers } = readVariantOptions(config, data, { variant: 'srgan', own: SrganOptionsSchema, ema: false });
  if (data.kind !== 'images') throw new ConfigError(`srgan upscales images; '${data.name}' holds points (use --data mnist)`);
  const dataShape = [...data.shape];
  const [h, w, c] = dataShape;
  if (h % opts.scale !== 0 || w % opts.scale !== 0) throw new ConfigError(`srgan ×${opts.scale} needs image sides divisible by ${opts.scale}; '${data.name}' is ${h}×${w} (use options.scale 2)`);
  const inputShape = [h / opts.scale, w / opts.scale, c];
  const G = buildSrGenerator({ inputShape, filters: opts.filters, blocks: opts.blocks, scale: opts.scale });
  const D = buildSrDiscriminator(dataShape, opts.filters);
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, stabilisers);
  const generatorPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const discriminatorPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const critic: Critic = { judge: ([x]) => ({ score: applyTraining(D, x) }) };
  const downscale = (hr: tf.Tensor) => tf.tidy(() => tf.avgPool(hr as tf.Tensor4D, opts.scale, opts.scale, 'valid'));
  const upscale = (lr: tf.Tensor) => tf.tidy(() => G.apply(lr, { training: false }) as tf.Tensor);

  /** n high-resolution images: drawn with rng, or the first n of a stored set (fixed grids). */
  function images(n: number, rng?: Rng): tf.Tensor {
    const stored = (data as Partial<StoredDataset>).x;
    if (rng || !stored) return tf.tensor(data.sample(n, rng ?? new Rng(config.seed)).x, [n, ...dataShape]);
    const per = h * w * c;
    const x = new Float32Array(n * per);
    const size = Math.floor(stored.length / per);
    for (let i = 0; i < n; i++) x.set(stored.subarray((i % size) * per, ((i % size) + 1) * per), i * per);
    return tf.tensor(x, [n, ...dataShape]);
  }

  function sampleGrid(n: number, rng: Rng): tf.Tensor {
    const cols = Math.ceil(Math.sqrt(n));
    const groups = Math.ceil(n / (3 * cols));
    return tf.tidy(() => {
      const hr = images(groups * cols, rng);
      const lr = downscale(hr);
      const nearest = tf.image.resizeNearestNeighbor(lr as tf.Tensor4D, [h, w]);
      const out = G.apply(lr, { training: false }) as tf.Tensor;
      const rows: tf.Tensor[] = [];
      for (let g = 0; g < groups; g++) for (const t of [nearest, out, hr]) rows.push(tf.slice(t, g * cols, cols));
      return tf.slice(tf.concat(rows, 0), 0, n);
    });
  }

  return composeVariant<Pick<SrganVariant, 'scale' | 'inputShape' | 'downscale' | 'upscale' | 'sampleGrid'>>(
    {
      name: 'srgan',
      latentDim: config.latentDim,
      dataShape,
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G },
      criticRound(ctx, sub) {
        const { x: hr } = realBatch(ctx, dataShape, sub);
        const fake = tf.tidy(() => applyTraining(G, downscale(hr)));
        return { players: discriminatorPlayer, duels: [{ critic, real: [hr], fake: [fake] }], owned: [hr, fake] };
      },
      generatorRound(ctx, sub) {
        const { x: hr } = realBatch(ctx, dataShape, sub);
        const lr = downscale(hr);
        return {
          players: generatorPlayer,
          play() {
            const fake = applyTraining(G, lr);
            return {
              duels: [{ critic, fake: [fake], weight: opts.adversarialWeight }],
              terms: () => ({ content_loss: { value: mse(fake, hr), weight: opts.contentWeight } }),
            };
          },
          owned: [hr, lr],
        };
      },
      /** SRGAN has no latent space: the batch size of z picks that many images of the data, and returns G's upscaling of their downscaled copies. */
      generate(g, zIn) {
        return tf.tidy(() => g.apply(downscale(images(zIn.shape[0])), { training: false }) as tf.Tensor);
      },
      sampleGrid,
      discriminate: (x) => D.apply(x, { training: false }) as tf.Tensor,
    },
    stepSettings(config, stabilisers),
    { scale: opts.scale, inputShape, downscale, upscale, sampleGrid },
  );
}

registerVariant('srgan', buildSrgan, 'Ledig et al. 2017: super-resolution ×2/×4 (residual G, pixel shuffle, MSE content + adversarial); default 7×7 → 28×28 digits');
