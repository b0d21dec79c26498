import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { digitEdgesDataset, isPaired, type PairedDataset } from '../data/paired.js';
import type { Dataset } from '../data/types.js';
import { initializeWeights } from '../nets/init.js';
import { buildPatchGan, defaultDownsamplings } from '../nets/patchgan.js';
import { buildUnet, largestDepth, seedDropout } from '../nets/unet.js';
import type { RunConfig } from '../train/config.js';
import { applyTraining, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import type { Critic } from './step.js';
import { STREAM, type GanVariant, type IterationContext } from './types.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';

export const Pix2PixOptionsSchema = z
  .object({
    /** λ_L1: weight of the L1 distance to the target (the paper's 100). */
    l1Weight: z.number().nonnegative().default(100),
    /** Weight of the adversarial term; 0 trains the same U-Net on L1 alone (the baseline). */
    adversarialWeight: z.number().nonnegative().default(1),
    /** Feature maps of the first conv of G and D. */
    filters: z.number().int().positive().default(32),
    /** U-Net levels (28×28: at most 2). */
    depth: z.number().int().positive().optional(),
    /** Dropout in G's decoder, pix2pix's only noise. */
    dropout: z.number().min(0).lt(1).default(0.5),
    /** PatchGAN stride-2 levels (default from the image side: 1 at 28, 2 at 64). */
    patchLevels: z.number().int().positive().optional(),
  })
  .strict();
export type Pix2PixOptions = z.output<typeof Pix2PixOptionsSchema>;

/** A variant that maps an input image to an output image (pix2pix; see also CycleGAN's). */
export interface Pix2PixVariant extends GanVariant {
  readonly pairs: PairedDataset;
  readonly inputShape: readonly number[];
  /** G(x) in model space, inference mode; the caller owns the result. */
  translate(x: tf.Tensor, direction?: 'a-to-b' | 'b-to-a'): tf.Tensor;
  /** Rows of n/3 inputs, their translations below, their targets below that (model space). */
  sampleGrid(n: number, rng: Rng): tf.Tensor;
}

export function isPix2Pix(v: GanVariant): v is Pix2PixVariant {
  return v.name === 'pix2pix';
}

const l1 = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;

/** The dropout seed of a round (sub-step): every forward pass of G in that round uses the same masks. */
export function roundDropoutSeed(ctx: IterationContext, sub: number): number {
  return ctx.rng(STREAM.dropout, sub).int(2 ** 31);
}

/** The paired set a run trains on: the data itself (mnist-edges, avatar-lineart, pairs:...), or digit edges → digits for the bundled digits. */
function pairsFor(data: Dataset): PairedDataset {
  if (isPaired(data)) return data;
  if (data.name === 'mnist') return digitEdgesDataset();
  const hint = data.name.startsWith('avatars') ? '--data avatar-lineart for avatar line art → colour, ' : '';
  throw new ConfigError(`pix2pix needs paired images; '${data.name}' is one set (use ${hint}--data mnist for digit edges → digits, or your own: --data pairs:DIR_A,DIR_B or pairs:DIR of side-by-side A|B images)`);
}

/**
 * pix2pix (Isola et al. 2017): a U-Net G maps an input image x to an output, a PatchGAN D
 * judges (x, image) pairs patch by patch, and G minimises the adversarial loss plus
 * λ_L1·‖y − G(x)‖₁ to the paired target y. Dropout in G's decoder is the only noise, on in
 * training. Per critic step: D judges (x, y) real against (x, G(x)) fake. Per generator
 * step: (x, G(x)) judged by D, plus the L1 term.
 */
export function buildPix2Pix(config: RunConfig, data: Dataset): Pix2PixVariant {
  const { own: opts, stabilisers } = readVariantOptions(config, data, { variant: 'pix2pix', own: Pix2PixOptionsSchema, ema: false });
  if (stabilisers.diffAugment.length > 0) {
    throw new ConfigError('options.diffAugment would move the input and the image of a pair apart (each side is augmented on its own); drop it for --variant pix2pix');
  }
  const pairs = pairsFor(data);
  const inputShape = [...pairs.inputShape];
  const dataShape = [...pairs.shape];
  const [h, w] = inputShape;
  const G = buildUnet({ inputShape, outChannels: dataShape[2], filters: opts.filters, depth: opts.depth ?? Math.min(largestDepth(h, w), 4), dropout: opts.dropout }, 'generator');
  const D = buildPatchGan({ conditionShape: inputShape, imageChannels: dataShape[2], filters: opts.filters, downsamplings: opts.patchLevels ?? defaultDownsamplings(Math.min(h, w)) }, 'discriminator');
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, stabilisers);
  const generatorPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const discriminatorPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const critic: Critic = { judge: ([x, image]) => ({ score: applyTraining(D, [x, image]) }) };

  /** A batch of aligned (input, target) pairs from the round's data stream. */
  function batch(ctx: IterationContext, sub: number): [tf.Tensor, tf.Tensor] {
    const b = pairs.samplePairs(ctx.batchSize, ctx.rng(STREAM.data, sub));
    return [tf.tensor(b.inputs, [ctx.batchSize, ...inputShape]), tf.tensor(b.targets, [ctx.batchSize, ...dataShape])];
  }

  /** n held-out pairs (cycling; training pairs when none are held out), the first ones unless rng picks, so grids over training are comparable. */
  function heldOutInputs(n: number, rng?: Rng): { x: tf.Tensor; y: tf.Tensor } {
    const part = pairs.heldOut.size > 0 ? 'heldOut' : 'train';
    const size = part === 'heldOut' ? pairs.heldOut.size : pairs.size;
    const picks = Array.from({ length: n }, (_, i) => (rng ? rng.int(size) : i % size));
    const { inputs, targets } = pairs.pairsAt(part, picks);
    return { x: tf.tensor(inputs, [n, ...inputShape]), y: tf.tensor(targets, [n, ...dataShape]) };
  }

  function translate(x: tf.Tensor, direction: 'a-to-b' | 'b-to-a' = 'a-to-b'): tf.Tensor {
    if (direction !== 'a-to-b') throw new ConfigError('pix2pix translates one way (input → output); use --variant cyclegan for both directions');
    return tf.tidy(() => G.apply(x, { training: false }) as tf.Tensor);
  }

  /**
   * Rows of inputs, their translations and their targets, in groups of three rows of
   * ceil(√n) images (the width of gankit's sample grids), so the grid reads input | output
   * | target from top to bottom.
   */
  function sampleGrid(n: number, rng: Rng): tf.Tensor {
    const cols = Math.ceil(Math.sqrt(n));
    const groups = Math.ceil(n / (3 * cols));
    return tf.tidy(() => {
      const { x, y } = heldOutInputs(groups * cols, rng);
      const out = G.apply(x, { training: false }) as tf.Tensor;
      // Inputs with more or fewer channels than the output are shown by their mean.
      const shown = inputShape[2] === dataShape[2] ? x : tf.tile(tf.mean(x, -1, true), [1, 1, 1, dataShape[2]]);
      const rows: tf.Tensor[] = [];
      for (let g = 0; g < groups; g++) for (const t of [shown, out, y]) rows.push(tf.slice(t, g * cols, cols));
      return tf.slice(tf.concat(rows, 0), 0, n);
    });
  }

  return composeVariant<Pick<Pix2PixVariant, 'pairs' | 'inputShape' | 'translate' | 'sampleGrid'>>(
    {
      name: 'pix2pix',
      latentDim: config.latentDim,
      dataShape,
      capabilities: { translate: true },
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G },
      criticRound(ctx, sub) {
        const [x, y] = batch(ctx, sub);
        seedDropout(roundDropoutSeed(ctx, sub));
        const fake = tf.tidy(() => applyTraining(G, x));
        return { players: discriminatorPlayer, duels: [{ critic, real: [x, y], fake: [x, fake] }], owned: [x, y, fake] };
      },
      generatorRound(ctx, sub) {
        const [x, y] = batch(ctx, sub);
        const seed = roundDropoutSeed(ctx, sub);
        return {
          players: generatorPlayer,
          play() {
            seedDropout(seed);
            const fake = applyTraining(G, x);
            return {
              duels: [{ critic, fake: [x, fake], weight: opts.adversarialWeight }],
              terms: () => ({ l1_loss: { value: l1(y, fake), weight: opts.l1Weight } }),
            };
          },
          owned: [x, y],
        };
      },
      /** pix2pix has no latent space: the batch size of z picks that many held-out inputs and returns their translations. */
      generate(g, zIn) {
        return tf.tidy(() => {
          const { x, y } = heldOutInputs(zIn.shape[0]);
          y.dispose();
          return g.apply(x, { training: false }) as tf.Tensor;
        });
      },
      sampleGrid,
      discriminate: (image) =>
        tf.tidy(() => {
          // D judges pairs; alone, an image is judged beside a blank input.
          const x = tf.fill([image.shape[0], ...inputShape], -1);
          return tf.mean(D.apply([x, image], { training: false }) as tf.Tensor, [1, 2, 3]);
        }),
    },
    stepSettings(config, stabilisers),
    { pairs, inputShape, translate, sampleGrid },
  );
}

registerVariant('pix2pix', buildPix2Pix, 'Isola et al. 2017: paired translation (U-Net + PatchGAN, L1 + adversarial); default digit edges → digits, also avatar-lineart, pairs:DIR_A,DIR_B');
