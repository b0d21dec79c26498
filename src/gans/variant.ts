import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { parseStrictOptions } from '../core/options.js';
import type { Rng } from '../core/rng.js';
import type { Dataset } from '../data/types.js';
import { objectiveFor } from '../losses/objectives.js';
import { r1Regulariser, type Regulariser } from '../losses/regularisers.js';
import type { GanObjective } from '../losses/types.js';
import type { RunConfig } from '../train/config.js';
import { createOptimizer, type OptimizerConfig } from '../core/optimizers.js';
import { needsOwnStatistics, refreshEmaStatistics, updateEma } from './ema.js';
import { adversarialIteration, type GameParts, type StepSettings } from './step.js';
import {
  NETWORK_STABILISERS,
  parseStabilisers,
  STABILISER_KEYS,
  stabiliserIsOn,
  TTUR_OPTIMIZERS,
  type NetworkStabiliser,
  type StabiliserOptions,
} from './stabilisers.js';
import { STREAM, NO_CAPABILITIES, type GanVariant, type IterationContext, type IterationLogs, type VariantCapabilities } from './types.js';

/** Everything a variant supplies: the step's parts, its models, and how it samples. */
export interface VariantParts extends GameParts {
  readonly name: string;
  readonly latentDim: number;
  readonly dataShape: readonly number[];
  readonly capabilities?: Partial<VariantCapabilities>;
  readonly models: Record<string, tfl.LayersModel>;
  readonly optimizers: Record<string, tf.Optimizer>;
  /** The generator that samples; `twin` builds another of its architecture (for EMA). */
  readonly sampler: { model: tfl.LayersModel; twin?: () => tfl.LayersModel };
  /** Samples from z (and labels or tags) with the given generator: the trained one or its EMA. */
  generate(generator: tfl.LayersModel, z: tf.Tensor2D, labels?: tf.Tensor1D, tags?: tf.Tensor2D): tf.Tensor;
  discriminate(x: tf.Tensor): tf.Tensor;
  sampleGrid?(n: number, rng: Rng): tf.Tensor;
  /** State set from the step before it runs (a growth schedule's clock, seeded noise layers). */
  beforeIteration?(ctx: IterationContext): void;
  /** Logs that are not losses (schedule position, held-out accuracy). */
  afterIteration?(ctx: IterationContext): IterationLogs;
  /** What models() and optimizers() do not hold. */
  disposeExtra?(): void;
}

export interface VariantSetup {
  readonly settings: StepSettings;
  /** EMA of G's weights (Karras et al. 2018; Yazıcı et al. 2019): sampling uses the average. */
  readonly emaDecay?: number;
}

/** A GanVariant from its parts: the iteration is the step layer's, the rest the parts'. */
export function composeVariant<E extends object>(parts: VariantParts, setup: VariantSetup, extras: E): GanVariant & E {
  let ema: tfl.LayersModel | null = null;
  if (setup.emaDecay !== undefined) {
    if (!parts.sampler.twin) throw new ConfigError(`options.emaDecay needs a second generator of the same architecture, which --variant ${parts.name} cannot build`);
    ema = parts.sampler.twin();
    ema.setWeights(parts.sampler.model.getWeights());
  }
  const ownStatistics = ema !== null && needsOwnStatistics(ema);
  const sampler = ema ?? parts.sampler.model;
  const models = { ...parts.models, ...(ema ? { generator_ema: ema } : {}) };
  const variant: GanVariant = {
    name: parts.name,
    latentDim: parts.latentDim,
    dataShape: parts.dataShape,
    capabilities: { ...NO_CAPABILITIES, ...parts.capabilities },
    models: () => models,
    optimizers: () => parts.optimizers,
    trainIteration(ctx) {
      parts.beforeIteration?.(ctx);
      const logs = adversarialIteration(parts, setup.settings, ctx);
      if (ema && logs.g_loss !== undefined) {
        updateEma(ema, parts.sampler.model, setup.emaDecay!, { ownStatistics });
        if (ownStatistics) refreshEmaStatistics(ema, ctx.rng(STREAM.emaStatistics, 0).normals(ctx.batchSize * parts.latentDim), [ctx.batchSize, parts.latentDim]);
      }
      return { ...logs, ...parts.afterIteration?.(ctx) };
    },
    generate: (z, labels, tags) => parts.generate(sampler, z, labels, tags),
    samplingGenerator: () => sampler,
    discriminate: (x) => parts.discriminate(x),
    dispose() {
      for (const m of new Set(Object.values(models))) m.dispose();
      for (const o of new Set(Object.values(parts.optimizers))) o.dispose();
      parts.disposeExtra?.();
    },
  };
  if (parts.sampleGrid) variant.sampleGrid = (n, rng) => parts.sampleGrid!(n, rng);
  return Object.assign(variant, extras);
}

/** How a variant reads config.options. */
export interface OptionSpec<S extends z.AnyZodObject> {
  readonly variant: string;
  /** The variant's own options. */
  readonly own?: S;
  /** Network-level stabilisers its networks are built with; the others are errors. */
  readonly networkStabilisers?: readonly NetworkStabiliser[];
  /** Whether its critics expose hidden features (feature matching). */
  readonly featureMatching?: boolean;
  /** Whether it can build an EMA generator. */
  readonly ema?: boolean;
  /** Options the variant starts from (the config's override them). */
  readonly defaults?: Record<string, unknown>;
}

export interface VariantOptions<S extends z.AnyZodObject> {
  own: z.output<S>;
  stabilisers: StabiliserOptions;
}

/**
 * Reads a variant's options strictly: each key is the variant's own or a stabiliser's, or
 * it is an error that lists what the variant accepts; stabilisers the variant's networks or
 * critics cannot take are errors that say why.
 */
export function readVariantOptions<S extends z.AnyZodObject>(config: RunConfig, data: Pick<Dataset, 'kind'>, spec: OptionSpec<S>): VariantOptions<S> {
  const owner = `--variant ${spec.variant}`;
  const ownKeys = spec.own ? Object.keys(spec.own.shape) : [];
  const options = { ...spec.defaults, ...config.options };
  for (const key of Object.keys(options)) {
    if (!ownKeys.includes(key) && !STABILISER_KEYS.includes(key)) {
      throw new ConfigError(`unknown option '${key}' for ${owner}; it accepts: ${[...ownKeys, ...STABILISER_KEYS].join(', ')}`);
    }
  }
  const pick = (keys: readonly string[]) => Object.fromEntries(Object.entries(options).filter(([k]) => keys.includes(k)));
  const own = spec.own ? parseStrictOptions(spec.own, pick(ownKeys), owner) : ({} as z.output<S>);
  const stabilisers = parseStabilisers(pick(STABILISER_KEYS), config, data.kind, owner);
  const nets = spec.networkStabilisers ?? [];
  for (const key of NETWORK_STABILISERS) {
    if (!nets.includes(key) && stabiliserIsOn(stabilisers, key)) {
      throw new ConfigError(`options.${key} lives in the networks, and ${owner}'s networks are not built with it; it accepts ${nets.length ? nets.join(', ') : 'none of the network stabilisers'} (use --variant gan, sngan or sagan for the others)`);
    }
  }
  if (stabilisers.featureMatching && !spec.featureMatching) {
    throw new ConfigError(`options.featureMatching matches D's hidden features, which ${owner}'s critics do not expose; drop it`);
  }
  if (stabilisers.emaDecay !== undefined && spec.ema === false) {
    throw new ConfigError(`options.emaDecay needs a second generator of the same architecture, which ${owner} cannot build; drop it`);
  }
  return { own, stabilisers };
}

/** The optimizers a run asks for: the config's, or TTUR's when options.ttur is on. */
export function optimizerPair(config: RunConfig, stabilisers: Pick<StabiliserOptions, 'ttur'>): { generator: OptimizerConfig; discriminator: OptimizerConfig } {
  return stabilisers.ttur
    ? { generator: TTUR_OPTIMIZERS.optimizerG, discriminator: TTUR_OPTIMIZERS.optimizerD }
    : { generator: config.optimizerG, discriminator: config.optimizerD };
}

export function createOptimizers(config: RunConfig, stabilisers: Pick<StabiliserOptions, 'ttur'>): { generator: tf.Optimizer; discriminator: tf.Optimizer } {
  const pair = optimizerPair(config, stabilisers);
  return { generator: createOptimizer(pair.generator), discriminator: createOptimizer(pair.discriminator) };
}

/**
 * The step's settings from a run: the loss through the objective table, then the
 * stabilisers' regularisers; a variant with its own objective (Loss-Sensitive GAN) passes it
 * and its regularisers instead of the loss's.
 */
export function stepSettings(
  config: RunConfig,
  stabilisers: StabiliserOptions,
  own: { objective?: GanObjective; regularisers?: readonly Regulariser[] } = {},
): VariantSetup {
  const table = objectiveFor(config.loss, { realLabel: config.realLabel });
  const regularisers = [...(own.objective ? [] : table.regularisers), ...(own.regularisers ?? [])];
  if (stabilisers.r1Gamma > 0) regularisers.push(r1Regulariser(stabilisers.r1Gamma));
  return {
    settings: {
      objective: own.objective ?? table.loss,
      regularisers,
      criticSteps: config.criticSteps,
      augment: stabilisers.diffAugment,
      featureMatching: stabilisers.featureMatching,
      unrolledSteps: stabilisers.unrolledSteps,
    },
    emaDecay: stabilisers.emaDecay,
  };
}

/** Capabilities for a variant whose generate() takes class labels. */
export function labelled(classes: number): Partial<VariantCapabilities> {
  return { labels: classes };
}

/** Capabilities for a variant whose generate() takes multi-hot tag sets over these names. */
export function tagged(tagNames: readonly string[]): Partial<VariantCapabilities> {
  return { tags: [...tagNames] };
}

/**
 * Spectral norm for variants whose discriminator builder takes it (src/nets/conditional.ts):
 * on for `true` or 'discriminator'; 'both' would normalise G too, which those generators lack.
 */
export function discriminatorSpectralNorm(o: StabiliserOptions, variant: string): boolean {
  if (o.spectralNorm === 'both') throw new ConfigError(`--variant ${variant} normalises its discriminator only: use options.spectralNorm true (or 'discriminator'), not 'both'`);
  return o.spectralNorm !== false;
}
