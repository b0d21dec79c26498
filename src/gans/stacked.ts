import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Dataset } from '../data/types.js';
import { ConfigError, type RunConfig } from '../train/config.js';
import { createOptimizer } from '../train/optimizers.js';
import { lossByName } from '../losses/index.js';
import { initializeWeights } from '../nets/init.js';
import { PixelNorm } from '../nn/pixel-norm.js';
import { GrowthClock } from '../nets/progressive.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import type { GanVariant, IterationContext, IterationLogs } from './types.js';
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
 * Applies one optimizer per network from a single gradient computation, so a joint loss
 * updates both generators while each keeps its own optimizer state.
 */
function minimizeSplit(loss: () => tf.Scalar, groups: Array<{ optimizer: tf.Optimizer; vars: tf.Variable[] }>): number {
  const all = groups.flatMap((g) => g.vars);
  const { value, grads } = tf.variableGrads(loss, all);
  for (const g of groups) g.optimizer.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
  tf.dispose(Object.values(grads));
  return takeScalar(value);
}

/**
 * A two-stage stacked GAN, coarse to fine (after Huang et al. 2017's stacked GAN and
 * Zhang et al. 2017's StackGAN): stage 1 learns 14×14 digits from z, stage 2 learns to
 * refine them to 28×28. The stages train one by one — stage 1 alone for `coarseSteps`,
 * then stage 2 alone on frozen stage-1 output for `fineSteps` — and then jointly, the
 * generators' losses summed so stage 2's discriminator also shapes stage 1.
 */
export function buildStackedGan(config: RunConfig, data: Dataset): GanVariant {
  const parsed = StackedOptionsSchema.safeParse(config.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid options.${issue.path.join('.')}: ${issue.message}`);
  }
  const opts = parsed.data;
  const dataShape = [...data.shape];
  if (data.kind !== 'images' || dataShape.length !== 3 || dataShape[0] % 4 !== 0 || dataShape[1] % 4 !== 0) {
    throw new ConfigError(`stacked needs images whose sides divide by 4 (such as 28×28 MNIST); '${data.name}' has samples of shape [${dataShape}]`);
  }
  if (config.loss.type === 'wgan' || config.loss.type === 'wgan-gp') {
    throw new ConfigError(`stacked does not implement ${config.loss.type}'s clipping or penalty; use --loss non-saturating, least-squares or hinge`);
  }
  const net = buildStackedNetworks(config.latentDim, dataShape, opts.filters);
  initializeWeights(net.coarseG, config.seed, STREAM.init);
  initializeWeights(net.fineG, config.seed, STREAM.init + 1);
  initializeWeights(net.coarseD, config.seed, STREAM.init + 2);
  initializeWeights(net.fineD, config.seed, STREAM.init + 3);
  const loss = lossByName(config.loss.type, { realLabel: config.realLabel });
  const opt = {
    coarseG: createOptimizer(config.optimizerG),
    fineG: createOptimizer(config.optimizerG),
    coarseD: createOptimizer(config.optimizerD),
    fineD: createOptimizer(config.optimizerD),
  };
  const vars = {
    coarseG: trainableVariables(net.coarseG),
    fineG: trainableVariables(net.fineG),
    coarseD: trainableVariables(net.coarseD),
    fineD: trainableVariables(net.fineD),
  };

  const downscale = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
  const upscale = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [dataShape[0], dataShape[1]]);
  /** D_fine's input: the image with the coarse image it should agree with, as a second channel group. */
  const fineCritic = (image: tf.Tensor, coarse: tf.Tensor) => applyTraining(net.fineD, tf.concat([image, upscale(coarse)], 3));
  const coarseCritic = (x: tf.Tensor) => applyTraining(net.coarseD, x);

  function discriminatorSteps(ctx: IterationContext, stage: StackedStage, k: number): IterationLogs {
    const logs: IterationLogs = {};
    const { x: real } = realBatch(ctx, dataShape, k);
    const zD = latentBatch(ctx, config.latentDim, k);
    const realCoarse = downscale(real);
    const fakeCoarse = tf.tidy(() => applyTraining(net.coarseG, zD));
    if (stage !== 'fine') {
      const cost = opt.coarseD.minimize(() => loss.discriminator(coarseCritic(realCoarse), coarseCritic(fakeCoarse)), true, vars.coarseD);
      logs.d_coarse_loss = takeScalar(cost as tf.Scalar);
    }
    if (stage !== 'coarse') {
      const fakeFine = tf.tidy(() => applyTraining(net.fineG, fakeCoarse));
      const cost = opt.fineD.minimize(() => loss.discriminator(fineCritic(real, realCoarse), fineCritic(fakeFine, fakeCoarse)), true, vars.fineD);
      logs.d_fine_loss = takeScalar(cost as tf.Scalar);
      fakeFine.dispose();
    }
    tf.dispose([real, zD, realCoarse, fakeCoarse]);
    return logs;
  }

  function generatorStep(ctx: IterationContext, stage: StackedStage): IterationLogs {
    const zG = latentBatch(ctx, config.latentDim, config.criticSteps);
    let logs: IterationLogs;
    if (stage === 'coarse') {
      const cost = opt.coarseG.minimize(() => loss.generator(coarseCritic(applyTraining(net.coarseG, zG))), true, vars.coarseG);
      logs = { g_coarse_loss: takeScalar(cost as tf.Scalar) };
    } else if (stage === 'fine') {
      // Stage 1 is frozen: its output is a constant input to stage 2.
      const coarse = tf.tidy(() => applyTraining(net.coarseG, zG));
      const cost = opt.fineG.minimize(() => loss.generator(fineCritic(applyTraining(net.fineG, coarse), coarse)), true, vars.fineG);
      coarse.dispose();
      logs = { g_fine_loss: takeScalar(cost as tf.Scalar) };
    } else {
      const parts: tf.Scalar[] = [];
      const total = minimizeSplit(
        () => {
          const coarse = applyTraining(net.coarseG, zG);
          const coarseLoss = loss.generator(coarseCritic(coarse));
          const fineLoss = loss.generator(fineCritic(applyTraining(net.fineG, coarse), coarse));
          parts.push(tf.keep(coarseLoss), tf.keep(fineLoss));
          return tf.add(tf.mul(coarseLoss, opts.jointCoarseWeight), fineLoss) as tf.Scalar;
        },
        [
          { optimizer: opt.coarseG, vars: vars.coarseG },
          { optimizer: opt.fineG, vars: vars.fineG },
        ],
      );
      const [coarseLoss, fineLoss] = parts.map(takeScalar);
      logs = { g_loss: total, g_coarse_loss: coarseLoss, g_fine_loss: fineLoss };
    }
    zG.dispose();
    return logs;
  }

  return {
    name: 'stacked',
    latentDim: config.latentDim,
    dataShape,
    models: () => ({ generator: net.stack, discriminator_coarse: net.coarseD, discriminator: net.fineD }),
    optimizers: () => ({ generator_coarse: opt.coarseG, generator_fine: opt.fineG, discriminator_coarse: opt.coarseD, discriminator: opt.fineD }),
    trainIteration(ctx) {
      const stage = stackedStageAt(ctx.step, opts);
      net.clock.step = ctx.step;
      let logs: IterationLogs = {};
      for (let k = 0; k < config.criticSteps; k++) logs = { ...logs, ...discriminatorSteps(ctx, stage, k) };
      return { ...logs, ...generatorStep(ctx, stage), stage: stage === 'coarse' ? 1 : stage === 'fine' ? 2 : 3 };
    },
    /** Full-resolution samples; during the coarse-only stage, stage 1's images upscaled (stage 2 is untrained). */
    generate(zIn) {
      return tf.tidy(() => {
        const coarse = net.coarseG.apply(zIn, { training: false }) as tf.Tensor;
        return stackedStageAt(net.clock.step, opts) === 'coarse' ? upscale(coarse) : (net.fineG.apply(coarse, { training: false }) as tf.Tensor);
      });
    },
    samplingGenerator: (): tfl.LayersModel => net.stack,
    discriminate: (x) => tf.tidy(() => fineCritic(x, downscale(x))),
    dispose() {
      [net.stack, net.coarseD, net.fineD].forEach((m) => m.dispose());
      Object.values(opt).forEach((o) => o.dispose());
    },
  };
}

registerVariant('stacked', buildStackedGan, 'two-stage coarse-to-fine stacked GAN (14×14 → 28×28): stages trained one by one, then jointly');
