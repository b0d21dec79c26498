import { z } from 'zod';
import { DataOptionsSchema, type DataOptions } from '../data/options.js';
import { OptimizerSchema } from './optimizers.js';
import { LrDecaySchema, type LrDecay } from '../core/lr-schedule.js';
import { MODEL_NAMES } from '../nets/types.js';
import { ConfigError } from '../core/errors.js';
import { MAX_CRITIC_STEPS } from '../core/streams.js';
import type { DataKind } from '../data/types.js';

export const LossSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('minimax') }),
  z.object({ type: z.literal('non-saturating') }),
  z.object({ type: z.literal('wgan'), clipValue: z.number().positive().default(0.01) }),
  /** λ defaults by data (resolveConfig): 10 for images, as the paper trains them; 0.1 for 2D points, as its toy code does. */
  z.object({ type: z.literal('wgan-gp'), gradientPenaltyWeight: z.number().nonnegative().optional() }),
  z.object({ type: z.literal('least-squares') }),
  z.object({ type: z.literal('hinge') }),
]);
export type LossConfig = z.infer<typeof LossSchema>;
/** A loss with every default filled in (what config.json records). */
export type ResolvedLossConfig = Exclude<LossConfig, { type: 'wgan-gp' }> | { type: 'wgan-gp'; gradientPenaltyWeight: number };
export type LossType = LossConfig['type'];
export const LOSS_TYPES = ['minimax', 'non-saturating', 'wgan', 'wgan-gp', 'least-squares', 'hinge'] as const;

export const VARIANT_NAMES = ['gan'] as const;

/** Everything a run needs, resolved: this is what config.json in a run folder holds. */
export const RunConfigSchema = z
  .object({
    variant: z.string().default('gan'),
    data: z.string().min(1).default('mnist'),
    /** Settings of image data (images:DIR, avatars): resolution, crop, channels, mirror, labels. */
    dataOptions: DataOptionsSchema.optional(),
    model: z.enum(MODEL_NAMES).default('dcgan'),
    latentDim: z.number().int().positive().optional(),
    hidden: z.array(z.number().int().positive()).optional(),
    loss: LossSchema.default({ type: 'non-saturating' }),
    /** k in Goodfellow et al.'s Algorithm 1: discriminator updates per generator update. */
    criticSteps: z.number().int().positive().max(MAX_CRITIC_STEPS).optional(),
    batchSize: z.number().int().positive().default(64),
    steps: z.number().int().positive().default(1000),
    optimizerG: OptimizerSchema.optional(),
    optimizerD: OptimizerSchema.optional(),
    /** Linear decay of every optimizer's rate over the last part of the run (src/core/lr-schedule.ts). */
    lrDecay: LrDecaySchema.optional(),
    /** One-sided label smoothing: the discriminator's target for real samples (1 = off). */
    realLabel: z.number().gt(0).max(1).default(1),
    seed: z.number().int().nonnegative().default(0),
    sampleEvery: z.number().int().positive().optional(),
    checkpointEvery: z.number().int().positive().optional(),
    logEvery: z.number().int().positive().default(10),
    /** Samples drawn for the fixed-noise grid (a square number for images). */
    gridSize: z.number().int().positive().default(64),
    /** Extra settings of variants and stabilisers, validated by each of them. */
    options: z.record(z.unknown()).default({}),
  })
  .strict();

export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = Required<Omit<z.output<typeof RunConfigSchema>, 'hidden' | 'dataOptions' | 'loss' | 'lrDecay'>> & { loss: ResolvedLossConfig; hidden?: number[]; dataOptions?: DataOptions; lrDecay?: LrDecay };

export { ConfigError };

/** WGAN-GP's λ when the config does not give one. */
export const WGAN_GP_LAMBDA = { images: 10, points: 0.1 } as const;
/** WGAN-GP on 2D points: batch and learning rate when the config does not give them. */
export const WGAN_GP_POINTS = { batchSize: 256, learningRate: 5e-4 } as const;

/**
 * Loss-dependent defaults, as each paper trains: WGAN with RMSProp and clipping, WGAN-GP
 * with Adam(1e-4, 0.5, 0.9) on images. On 2D points WGAN-GP follows the paper's toy code
 * (λ = 0.1, batch 256, k = 5; resolveConfig) with a 5× higher rate: at 1e-4 the toy code
 * ran 100,000 steps, and with a few thousand the critic never learns to rank reals over
 * fakes, so G follows an untrained critic and captures no mode.
 */
function lossDefaults(loss: LossType, isPoints: boolean) {
  switch (loss) {
    case 'wgan':
      return { criticSteps: 5, opt: { type: 'rmsprop' as const, learningRate: 5e-5, decay: 0.9, epsilon: 1e-8 } };
    case 'wgan-gp':
      return { criticSteps: 5, opt: { type: 'adam' as const, learningRate: isPoints ? WGAN_GP_POINTS.learningRate : 1e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 } };
    default:
      return { criticSteps: 1, opt: { type: 'adam' as const, learningRate: isPoints ? 1e-3 : 2e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 } };
  }
}

/** Validates a config and fills every default, so the run folder records what really ran. */
export function resolveConfig(input: RunConfigInput, dataKind: DataKind): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'config';
    throw new ConfigError(`invalid ${where}: ${issue.message}`);
  }
  const c = parsed.data;
  const isPoints = dataKind === 'points';
  const d = lossDefaults(c.loss.type, isPoints);
  const steps = c.steps;
  const loss: ResolvedLossConfig = c.loss.type === 'wgan-gp' ? { ...c.loss, gradientPenaltyWeight: c.loss.gradientPenaltyWeight ?? WGAN_GP_LAMBDA[isPoints ? 'points' : 'images'] } : c.loss;
  const batchSize = isPoints && c.loss.type === 'wgan-gp' && input.batchSize === undefined ? WGAN_GP_POINTS.batchSize : c.batchSize;
  // Text data has one family of networks; the image default (dcgan) would only be refused there.
  const model = input.model === undefined && dataKind === 'text' ? 'text-resnet' : c.model;
  return {
    ...c,
    model,
    loss,
    batchSize,
    latentDim: c.latentDim ?? (isPoints ? 2 : 100),
    criticSteps: c.criticSteps ?? d.criticSteps,
    optimizerG: c.optimizerG ?? d.opt,
    optimizerD: c.optimizerD ?? d.opt,
    sampleEvery: c.sampleEvery ?? Math.max(1, Math.round(steps / 10)),
    checkpointEvery: c.checkpointEvery ?? Math.max(1, Math.round(steps / 4)),
  };
}
