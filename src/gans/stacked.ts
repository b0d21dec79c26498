import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Dataset } from '../data/types.js';
import { ConfigError } from '../core/errors.js';
import type { RunConfig } from '../train/config.js';
import { initializeWeights } from '../nets/init.js';
import { PixelNorm } from '../nn/pixel-norm.js';
import { GrowthClock } from '../nets/progressive.js';
import { applyTraining, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic, Duel, GeneratorDuel } from './step.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import type { GanVariant, IterationContext } from './types.js';
import { STREAM } from './types.js';

export const StackedOptionsSchema = z
  .object({
    /** Steps training stage 1 alone (coarse G and D at half resolution). */
    coarseSteps: z.number().int().nonnegative().default(1000),
    /** Then steps training stage 2 alone (refiner G and D), stage 1 frozen. */
    fineSteps: z.number().int().nonnegative().default(1000),
    /** In the joint phase that follows, the weight of stage 1's adversarial loss in G's objective. */
    jointCoarseWeight: z.number().nonnegative().default(1),
    /** Feature maps of the first layer of each network. */
    filters: z.number().int().positive().default(32),
  })
  .strict();
export type StackedOptions = z.output<typeof StackedOptionsSchema>;

export type StackedStage = 'coarse' | 'fine' | 'joint';

/** Which stage trains at a step: a pure function of the step, so resume lands in the same stage. */
export function stackedStageAt(step: number, opts: Pick<StackedOptions, 'coarseSteps' | 'fineSteps'>): StackedStage {
  if (step < opts.coarseSteps) return 'coarse';
  if (step < opts.coarseSteps + opts.fineSteps) return 'fine';
  return 'joint';
}

interface StackedNetworks {
  coarseG: tfl.LayersModel;
  fineG: tfl.LayersModel;
  /** z → fine image: both generators, the model that samples and is checkpointed. */
  stack: tfl.LayersModel;
  /** The step trained to, kept in the stack's weights so a checkpoint knows its stage. */
  clock: GrowthClock;
  coarseD: tfl.LayersModel;
  fineD: tfl.LayersModel;
}

/**
 * Stage 1 draws a half-resolution image from z (dense → 7×7 → transposed conv to 14×14,
 * pixel norm instead of batch norm so a frozen stage behaves the same in every mode).
 * Stage 2 upsamples it and refines it with convs, the coarse image skipping to the last
 * layer. D_fine sees the image together with the coarse image it came from (the real
 * image's own downscaled version for real data), so it can punish refinements that
 * disagree with stage 1, as StackGAN's stage-II discriminator is conditioned.
 */
function buildStackedNetworks(latentDim: number, shape: readonly number[], filters: number): StackedNetworks {
  const [h, w, c] = shape;
  const f = filters;
  const coarseShape = [h / 2, w / 2, c];
  const coarseG = tfl.sequential({
    name: 'generator_coarse',
    layers: [
      tfl.layers.dense({ units: (h / 4) * (w / 4) * 2 * f, inputShape: [latentDim] }),
      tfl.layers.reshape({ targetShape: [h / 4, w / 4, 2 * f] }),
      new PixelNorm(),
      tfl.layers.reLU(),
      tfl.layers.conv2dTranspose({ filters: f, kernelSize: 4, strides: 2, padding: 'same' }),
      new PixelNorm(),
      tfl.layers.reLU(),
      tfl.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'tanh' }),
    ],
  });

  const coarseIn = tfl.input({ shape: coarseShape, name: 'coarse_image' });
  const upsampled = tfl.layers.upSampling2d({ size: [2, 2] }).apply(coarseIn) as tfl.SymbolicTensor;
  const r1 = tfl.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(upsampled) as tfl.SymbolicTensor;
  const r2 = tfl.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(r1) as tfl.SymbolicTensor;
  const withCoarse = tfl.layers.concatenate().apply([r2, upsampled]) as tfl.SymbolicTensor;
  const fineOut = tfl.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(withCoarse) as tfl.SymbolicTensor;
  const fineG = tfl.model({ inputs: coarseIn, outputs: fineOut, name: 'generator_fine' });

  const zIn = tfl.input({ shape: [latentDim], name: 'z' });
  const clock = new GrowthClock({ name: 'stage_clock' });
  const stack = tfl.model({ inputs: zIn, outputs: fineG.apply(coarseG.apply(clock.apply(zIn))) as tfl.SymbolicTensor, name: 'generator' });

  const critic = (name: string, inputShape: number[], strides: number[]) =>
    tfl.sequential({
      name,
      layers: [
        ...strides.flatMap((s, i) => [
          tfl.layers.conv2d(i === 0 ? { filters: f * (i + 1), kernelSize: 4, strides: s, padding: 'same', inputShape } : { filters: f * (i + 1), kernelSize: 4, strides: s, padding: 'same' }),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
        ]),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
  const coarseD = critic('discriminator_coarse', coarseShape, [2]);
  const fineD = critic('discriminator_fine', [h, w, 2 * c], [2, 2]);
  return { coarseG, fineG, stack, clock, coarseD, fineD };
}

/**
 * A two-stage stacked GAN, coarse to fine (after Huang et al. 2017's stacked GAN and
 * Zhang et al. 2017's StackGAN): stage 1 learns 14×14 digits from z, stage 2 learns to
 * refine them to 28×28. The stages train one by one — stage 1 alone for `coarseSteps`,
 * then stage 2 alone on frozen stage-1 output for `fineSteps` — and then jointly, the
 * generators' losses summed so stage 2's discriminator also shapes stage 1.
 * Each critic step plays the duels of the active stages: D_coarse on half-resolution
 * images, D_fine on (image, coarse image) pairs.
 */
export function buildStackedGan(config: RunConfig, data: Dataset): GanVariant {
  const { own: opts, stabilisers } = readVariantOptions(config, data, { variant: 'stacked', own: StackedOptionsSchema, ema: false });
  const dataShape = [...data.shape];
  if (data.kind !== 'images' || dataShape.length !== 3 || dataShape[0] % 4 !== 0 || dataShape[1] % 4 !== 0) {
    throw new ConfigError(`stacked needs images whose sides divide by 4 (such as 28×28 MNIST); '${data.name}' has samples of shape [${dataShape}]`);
  }
  const net = buildStackedNetworks(config.latentDim, dataShape, opts.filters);
  initializeWeights(net.coarseG, config.seed, STREAM.init);
  initializeWeights(net.fineG, config.seed, STREAM.init + 1);
  initializeWeights(net.coarseD, config.seed, STREAM.init + 2);
  initializeWeights(net.fineD, config.seed, STREAM.init + 3);
  const coarse = createOptimizers(config, stabilisers);
  const fine = createOptimizers(config, stabilisers);
  const players = {
    coarseG: { optimizer: coarse.generator, variables: trainableVariables(net.coarseG) },
    fineG: { optimizer: fine.generator, variables: trainableVariables(net.fineG) },
    coarseD: { optimizer: coarse.discriminator, variables: trainableVariables(net.coarseD) },
    fineD: { optimizer: fine.discriminator, variables: trainableVariables(net.fineD) },
  };

  const downscale = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
  const upscale = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [dataShape[0], dataShape[1]]);
  /** D_fine's input: the image with the coarse image it should agree with, as a second channel group. */
  const fineCritic: Critic = { judge: ([image, coarseImage]) => ({ score: applyTraining(net.fineD, tf.concat([image, upscale(coarseImage)], 3)) }) };
  const coarseCritic: Critic = { judge: ([x]) => ({ score: applyTraining(net.coarseD, x) }) };
  const stageOf = (ctx: IterationContext) => stackedStageAt(ctx.step, opts);

  return composeVariant(
    {
      name: 'stacked',
      latentDim: config.latentDim,
      dataShape,
      models: { generator: net.stack, discriminator_coarse: net.coarseD, discriminator: net.fineD },
      optimizers: { generator_coarse: coarse.generator, generator_fine: fine.generator, discriminator_coarse: coarse.discriminator, discriminator: fine.discriminator },
      discriminators: { models: [net.coarseD, net.fineD], optimizers: [coarse.discriminator, fine.discriminator] },
      sampler: { model: net.stack },
      beforeIteration: (ctx) => {
        net.clock.step = ctx.step;
      },
      criticRound(ctx, sub) {
        const stage = stageOf(ctx);
        const { x: real } = realBatch(ctx, dataShape, sub);
        const z = latentBatch(ctx, config.latentDim, sub);
        const realCoarse = downscale(real);
        const fakeCoarse = tf.tidy(() => applyTraining(net.coarseG, z));
        const duels: Duel[] = [];
        const owned = [real, z, realCoarse, fakeCoarse];
        if (stage !== 'fine') duels.push({ critic: coarseCritic, real: [realCoarse], fake: [fakeCoarse], name: 'coarse' });
        if (stage !== 'coarse') {
          const fakeFine = tf.tidy(() => applyTraining(net.fineG, fakeCoarse));
          owned.push(fakeFine);
          duels.push({ critic: fineCritic, real: [real, realCoarse], fake: [fakeFine, fakeCoarse], name: 'fine' });
        }
        const active = stage === 'coarse' ? [players.coarseD] : stage === 'fine' ? [players.fineD] : [players.coarseD, players.fineD];
        return { players: active, duels, owned };
      },
      generatorRound(ctx, sub) {
        const stage = stageOf(ctx);
        const z = latentBatch(ctx, config.latentDim, sub);
        if (stage === 'fine') {
          // Stage 1 is frozen: its output is a constant input to stage 2.
          const frozen = tf.tidy(() => applyTraining(net.coarseG, z));
          return {
            players: [players.fineG],
            play: () => ({ duels: [{ critic: fineCritic, fake: [applyTraining(net.fineG, frozen), frozen], name: 'fine' }] }),
            owned: [z, frozen],
          };
        }
        return {
          players: stage === 'coarse' ? [players.coarseG] : [players.coarseG, players.fineG],
          play() {
            const coarseImage = applyTraining(net.coarseG, z);
            const duels: GeneratorDuel[] = [{ critic: coarseCritic, fake: [coarseImage], name: 'coarse', weight: stage === 'joint' ? opts.jointCoarseWeight : 1 }];
            if (stage === 'joint') duels.push({ critic: fineCritic, fake: [applyTraining(net.fineG, coarseImage), coarseImage], name: 'fine' });
            return { duels };
          },
          owned: [z],
        };
      },
      afterIteration: (ctx) => {
        const stage = stageOf(ctx);
        return { stage: stage === 'coarse' ? 1 : stage === 'fine' ? 2 : 3 };
      },
      /** Full-resolution samples; during the coarse-only stage, stage 1's images upscaled (stage 2 is untrained). */
      generate(_g, zIn) {
        return tf.tidy(() => {
          const coarseImage = net.coarseG.apply(zIn, { training: false }) as tf.Tensor;
          return stackedStageAt(net.clock.step, opts) === 'coarse' ? upscale(coarseImage) : (net.fineG.apply(coarseImage, { training: false }) as tf.Tensor);
        });
      },
      discriminate: (x) => tf.tidy(() => fineCritic.judge([x, downscale(x)]).score),
    },
    stepSettings(config, stabilisers),
    {},
  );
}

registerVariant('stacked', buildStackedGan, 'two-stage coarse-to-fine stacked GAN (14×14 → 28×28): stages trained one by one, then jointly');
