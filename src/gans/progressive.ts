import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Dataset } from '../data/types.js';
import { ConfigError } from '../core/errors.js';
import type { RunConfig } from '../train/config.js';
import { driftRegulariser } from '../losses/regularisers.js';
import { buildProgressive, initializeProgressive, PROGRESSIVE_RESOLUTIONS, rescale, upscale2x, downscale2x } from '../nets/progressive.js';
import { latentBatch, realBatch } from './common.js';
import type { Critic } from './step.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';

const FULL = PROGRESSIVE_RESOLUTIONS[PROGRESSIVE_RESOLUTIONS.length - 1];

const PhaseSchema = z
  .object({
    /** Output resolution of this phase: 4, 8, 16 or 32. */
    resolution: z.number().int(),
    /** Steps over which the new block fades in (α from 0 to 1); 0 for the first phase. */
    fade: z.number().int().nonnegative().default(0),
    /** Steps at α = 1 after the fade (the last phase also runs on past them). */
    steps: z.number().int().positive(),
  })
  .strict();

export const ProgressiveOptionsSchema = z
  .object({
    phases: z.array(PhaseSchema).min(1).default([
      { resolution: 4, steps: 1000 },
      { resolution: 8, fade: 1000, steps: 1000 },
      { resolution: 16, fade: 1000, steps: 1000 },
      { resolution: 32, fade: 1000, steps: 1000 },
    ]),
    /** Feature maps at 4, 8, 16 and 32 pixels. */
    channels: z.array(z.number().int().positive()).length(4).default([64, 64, 32, 16]),
    minibatchGroupSize: z.number().int().positive().default(4),
    /** Karras et al.'s ε_drift·E[D(x)²], keeping a Wasserstein critic near 0 (used with wgan/wgan-gp). */
    driftWeight: z.number().nonnegative().default(0.001),
  })
  .strict();
export type ProgressiveOptions = z.output<typeof ProgressiveOptionsSchema>;
export type GrowthPhase = ProgressiveOptions['phases'][number];

/** Where the growth schedule is at one step. */
export interface GrowthState {
  /** Index into the schedule's phases. */
  phase: number;
  /** Network level: 0 = 4×4, 1 = 8×8, 2 = 16×16, 3 = 32×32. */
  level: number;
  resolution: number;
  /** Fade-in weight of the newest block, in [0, 1]. */
  alpha: number;
}

/** Checks that the schedule grows 4 → 8 → … one doubling per phase. */
export function validatePhases(phases: readonly GrowthPhase[]): void {
  phases.forEach((p, i) => {
    const want = PROGRESSIVE_RESOLUTIONS[i];
    if (want === undefined) throw new ConfigError(`options.phases has ${phases.length} phases; progressive grows through at most ${PROGRESSIVE_RESOLUTIONS.length} (4, 8, 16, 32)`);
    if (p.resolution !== want) throw new ConfigError(`options.phases[${i}].resolution must be ${want} (phases grow 4 → 8 → 16 → 32); got ${p.resolution}`);
  });
  if (phases[0].fade !== 0) throw new ConfigError('options.phases[0].fade must be 0: the 4×4 phase has no lower resolution to fade from');
}

/**
 * The phase and fade-in α at a step: a pure function of the step, so a resumed run is
 * where an uninterrupted one would be. During a phase's `fade` steps α rises linearly
 * from 0 (first fade step) towards 1; afterwards α = 1. Past the schedule's end the
 * last phase continues at α = 1.
 */
export function growthAt(step: number, phases: readonly GrowthPhase[]): GrowthState {
  let start = 0;
  for (let i = 0; i < phases.length; i++) {
    const p = phases[i];
    const end = start + p.fade + p.steps;
    if (step < end || i === phases.length - 1) {
      const into = step - start;
      const alpha = p.fade > 0 && into < p.fade ? Math.max(0, into / p.fade) : 1;
      return { phase: i, level: i, resolution: p.resolution, alpha };
    }
    start = end;
  }
  throw new ConfigError('options.phases is empty');
}

/** Total steps of a schedule. */
export function scheduleLength(phases: readonly GrowthPhase[]): number {
  return phases.reduce((a, p) => a + p.fade + p.steps, 0);
}

/**
 * Progressive growing of GANs (Karras et al. 2018): G and D start at 4×4 and grow by
 * doubling to 32×32; each new block fades in linearly while the old path fades out, the
 * real images being blended the same way. Pixel norm in G, minibatch stddev and
 * equalised learning rate throughout. 28×28 data is padded to 32×32 with background
 * (−1) and average-pooled to each phase's resolution; samples are cropped back.
 * Each resolution has its own optimizers, so their state starts fresh when the network
 * grows (as in the authors' code).
 */
export function buildProgressiveGan(config: RunConfig, data: Dataset): GanVariant {
  const { own: opts, stabilisers } = readVariantOptions(config, data, { variant: 'progressive', own: ProgressiveOptionsSchema, ema: false });
  validatePhases(opts.phases);
  const dataShape = [...data.shape];
  if (data.kind !== 'images' || dataShape.length !== 3) throw new ConfigError(`progressive needs image data; '${data.name}' has samples of shape [${dataShape}]`);
  const [height, width, channels] = dataShape;
  if (height !== width || height > FULL || (FULL - height) % 2 !== 0) {
    throw new ConfigError(`progressive grows to ${FULL}×${FULL} and pads smaller square images evenly; got ${height}×${width} (use 28×28 or 32×32 data)`);
  }
  const pad = (FULL - height) / 2;

  const net = buildProgressive({ latentDim: config.latentDim, imageChannels: channels, channels: opts.channels, minibatchGroupSize: opts.minibatchGroupSize });
  initializeProgressive(net.generator, config.seed, STREAM.init);
  initializeProgressive(net.discriminator, config.seed, STREAM.init + 1);
  // Each resolution has its own optimizers, so their state starts fresh when the network grows.
  const pairs = PROGRESSIVE_RESOLUTIONS.map(() => createOptimizers(config, stabilisers));
  const gPlayers = pairs.map((p, level) => [{ optimizer: p.generator, variables: net.generatorVariables(level) }]);
  const dPlayers = pairs.map((p, level) => [{ optimizer: p.discriminator, variables: net.discriminatorVariables(level) }]);
  const isWasserstein = config.loss.type === 'wgan' || config.loss.type === 'wgan-gp';

  /** Data-space images → the padded full-size canvas. */
  const toCanvas = (x: tf.Tensor) => (pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], -1) : x);
  /** Real images as D sees them in a phase: downscaled, and during a fade blended with the coarser version. */
  const realAt = (x: tf.Tensor, level: number, alpha: number) =>
    tf.tidy(() => {
      const r = rescale(toCanvas(x), PROGRESSIVE_RESOLUTIONS[level]);
      if (level === 0 || alpha >= 1) return r;
      return tf.add(tf.mul(r, alpha), tf.mul(upscale2x(downscale2x(r)), 1 - alpha));
    });
  /** G's output at a phase → data space (upscaled to the canvas, cropped). */
  const toData = (img: tf.Tensor) =>
    tf.tidy(() => {
      const full = rescale(img, FULL);
      return pad > 0 ? tf.slice(full, [0, pad, pad, 0], [-1, height, width, -1]) : full;
    });
  const current = () => growthAt(net.clock.step, opts.phases);
  const criticAt = ({ level, alpha }: GrowthState): Critic => ({ judge: ([x]) => ({ score: net.discriminate(x, level, alpha) }) });

  return composeVariant(
    {
      name: 'progressive',
      latentDim: config.latentDim,
      dataShape,
      models: { generator: net.generator, discriminator: net.discriminator },
      optimizers: Object.fromEntries(
        PROGRESSIVE_RESOLUTIONS.flatMap((r, l) => [
          [`generator_${r}x${r}`, pairs[l].generator],
          [`discriminator_${r}x${r}`, pairs[l].discriminator],
        ]),
      ),
      discriminators: { models: [net.discriminator], optimizers: pairs.map((p) => p.discriminator) },
      sampler: { model: net.generator },
      beforeIteration: (ctx) => {
        net.clock.step = ctx.step;
      },
      criticRound(ctx, sub) {
        const at = growthAt(ctx.step, opts.phases);
        const { x } = realBatch(ctx, dataShape, sub);
        const real = realAt(x, at.level, at.alpha);
        const z = latentBatch(ctx, config.latentDim, sub);
        const fake = net.generate(z, at.level, at.alpha);
        return { players: dPlayers[at.level], duels: [{ critic: criticAt(at), real: [real], fake: [fake] }], owned: [x, real, z, fake] };
      },
      generatorRound(ctx, sub) {
        const at = growthAt(ctx.step, opts.phases);
        const z = latentBatch(ctx, config.latentDim, sub);
        return { players: gPlayers[at.level], play: () => ({ duels: [{ critic: criticAt(at), fake: [net.generate(z, at.level, at.alpha)] }] }), owned: [z] };
      },
      afterIteration: (ctx) => {
        const { resolution, alpha } = growthAt(ctx.step, opts.phases);
        return { resolution, alpha };
      },
      generate(_g, zIn) {
        const { level, alpha } = current();
        return tf.tidy(() => toData(net.generate(zIn, level, alpha)));
      },
      discriminate(x) {
        const { level, alpha } = current();
        return tf.tidy(() => net.discriminate(realAt(x, level, 1), level, alpha));
      },
    },
    stepSettings(config, stabilisers, { regularisers: isWasserstein && opts.driftWeight > 0 ? [driftRegulariser(opts.driftWeight)] : [] }),
    {},
  );
}

registerVariant('progressive', buildProgressiveGan, 'Karras et al. 2018: grows 4→8→16→32 with fade-in, pixel norm, minibatch stddev, equalised lr (schedule in options.phases)');
