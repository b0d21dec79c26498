import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../src/core/rng.js';
import { STREAM } from '../src/core/streams.js';
import { applyTraining, realBatch, trainableVariables } from '../src/gans/common.js';
import { plainCritic } from '../src/gans/gan.js';
import { StabiliserOptionsSchema } from '../src/gans/stabilisers.js';
import type { GanVariant, IterationContext, IterationLogs } from '../src/gans/types.js';
import { composeVariant, createOptimizers, stepSettings, type VariantParts } from '../src/gans/variant.js';
import type { GanNetworks } from '../src/nets/index.js';
import type { RunConfig } from '../src/train/config.js';

/**
 * The 2D lab's game: the library's plain GAN (the same critic, the same step layer, the
 * same random streams), with what GAN Lab adds on top: a choice of noise, G steps per
 * iteration, and single sub-steps for the slow-motion view.
 *
 * Every update still goes through the step layer's adversarialIteration; a sub-step is an
 * iteration of a variant composed on the same parts with k = 1 and no G round (one D
 * step), or with k = 0 (one G step), run on the iteration's context shifted to the
 * sub-step's random draws. So walking an iteration sub-step by sub-step updates the
 * networks exactly as one press of Step does (test/studio/lab-game.test.ts checks it).
 */

export type NoiseKind = 'gaussian' | 'uniform';

export interface LabGameOptions {
  /** G updates per iteration (Algorithm 1 has one); D's count is config.criticSteps. */
  generatorSteps: number;
  /** z ~ N(0, I) as the CLI draws it, or z ~ U(−1, 1)ᵈ as GAN Lab can. */
  noise: NoiseKind;
}

/** One update inside an iteration: D's step `index` of `of`, or G's. */
export interface SubStep {
  player: 'D' | 'G';
  index: number;
  of: number;
}

/** n noise vectors of dimension dim (row-major), from rng. */
export function drawNoise(rng: Rng, n: number, dim: number, kind: NoiseKind): Float32Array {
  return kind === 'uniform' ? rng.uniforms(n * dim, -1, 1) : rng.normals(n * dim);
}

/** The context of one sub-step: the iteration's draws, from sub-step `by` on. */
function shifted(ctx: IterationContext, by: number): IterationContext {
  return { ...ctx, rng: (stream, sub = 0) => ctx.rng(stream, sub + by) };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export class LabGame {
  /** The full iteration (k D steps, one G step); also what samples and judges. */
  readonly variant: GanVariant;
  private readonly dStep: GanVariant;
  private readonly gStep: GanVariant;
  private readonly optimizers: { generator: tf.Optimizer; discriminator: tf.Optimizer };
  private generatorRounds = true;

  constructor(
    private readonly nets: GanNetworks,
    readonly config: RunConfig,
    readonly options: LabGameOptions,
  ) {
    if (!Number.isInteger(options.generatorSteps) || options.generatorSteps < 1) throw new Error('G steps must be a whole number from 1');
    const { generator: G, discriminator: D, latentDim, dataShape } = nets;
    const o = StabiliserOptionsSchema.parse({});
    this.optimizers = createOptimizers(config, o);
    const critic = plainCritic(D, 1);
    const gPlayer = [{ optimizer: this.optimizers.generator, variables: trainableVariables(G) }];
    const dPlayer = [{ optimizer: this.optimizers.discriminator, variables: trainableVariables(D) }];
    const z = (ctx: IterationContext, sub: number) => this.noiseBatch(ctx, sub);
    const parts: VariantParts = {
      name: 'gan',
      latentDim,
      dataShape,
      models: { generator: G, discriminator: D },
      optimizers: this.optimizers,
      discriminators: { models: [D], optimizers: [this.optimizers.discriminator] },
      sampler: { model: G },
      criticRound: (ctx, sub) => {
        const { x: real } = realBatch(ctx, dataShape, sub);
        const noise = z(ctx, sub);
        const fake = tf.tidy(() => applyTraining(G, noise));
        return { players: dPlayer, duels: [{ critic, real: [real], fake: [fake] }], owned: [real, noise, fake] };
      },
      generatorRound: (ctx, sub) => {
        if (!this.generatorRounds) return null;
        const noise = z(ctx, sub);
        return { players: gPlayer, play: () => ({ duels: [{ critic, fake: [applyTraining(G, noise)] }] }), owned: [noise] };
      },
      generate: (g, zz) => g.apply(zz, { training: false }) as tf.Tensor,
      discriminate: (x) => tf.tidy(() => D.apply(x, { training: false }) as tf.Tensor),
    };
    const setup = stepSettings(config, o);
    const withK = (criticSteps: number) => ({ ...setup, settings: { ...setup.settings, criticSteps } });
    this.variant = composeVariant(parts, setup, {});
    this.dStep = composeVariant(parts, withK(1), {});
    this.gStep = composeVariant(parts, withK(0), {});
  }

  get criticSteps(): number {
    return this.config.criticSteps;
  }

  /** The order of one iteration: D's k steps, then G's. */
  subSteps(): SubStep[] {
    const k = this.config.criticSteps;
    const g = this.options.generatorSteps;
    return [
      ...Array.from({ length: k }, (_, index) => ({ player: 'D' as const, index, of: k })),
      ...Array.from({ length: g }, (_, index) => ({ player: 'G' as const, index, of: g })),
    ];
  }

  /** The random sub-step a sub-step draws from: D's j-th is j, G's j-th is k + j. */
  private drawIndex(s: SubStep): number {
    return s.player === 'D' ? s.index : this.config.criticSteps + s.index;
  }

  /** The noise batch of random sub-step `sub` (what both the update and the slow-motion view use). */
  noiseBatch(ctx: IterationContext, sub: number): tf.Tensor2D {
    const dim = this.nets.latentDim;
    return tf.tensor2d(drawNoise(ctx.rng(STREAM.latent, sub), ctx.batchSize, dim, this.options.noise), [ctx.batchSize, dim]);
  }

  /** What a sub-step trains on: its real batch (D's steps) and its noise batch. The caller disposes them. */
  batch(ctx: IterationContext, s: SubStep): { real: tf.Tensor | null; z: tf.Tensor2D } {
    const sub = this.drawIndex(s);
    return { real: s.player === 'D' ? realBatch(ctx, this.nets.dataShape, sub).x : null, z: this.noiseBatch(ctx, sub) };
  }

  /** One update of one player, as step `s` of the iteration `ctx.step`. */
  subStep(ctx: IterationContext, s: SubStep): IterationLogs {
    const at = shifted(ctx, this.drawIndex(s));
    if (s.player === 'G') return this.gStep.trainIteration(at);
    this.generatorRounds = false;
    try {
      return this.dStep.trainIteration(at);
    } finally {
      this.generatorRounds = true;
    }
  }

  /** A whole iteration: the step layer's k D steps and one G step, then G's further steps. */
  iteration(ctx: IterationContext): IterationLogs {
    const logs = this.variant.trainIteration(ctx);
    const g = this.options.generatorSteps;
    if (g === 1) return logs;
    const gLosses = [logs.g_loss];
    for (let j = 1; j < g; j++) gLosses.push(this.subStep(ctx, { player: 'G', index: j, of: g }).g_loss);
    return { ...logs, g_loss: mean(gLosses) };
  }

  /** The mean of each log over an iteration's sub-steps (what iteration() reports for it). */
  static combine(steps: { sub: SubStep; logs: IterationLogs }[]): IterationLogs {
    const out: IterationLogs = {};
    const keys = new Set(steps.flatMap((s) => Object.keys(s.logs)));
    for (const k of keys) out[k] = mean(steps.filter((s) => k in s.logs).map((s) => s.logs[k]));
    return out;
  }

  /** Frees the optimizers only: the networks live on in the next game (a live loss switch). */
  disposeOptimizers(): void {
    this.optimizers.generator.dispose();
    this.optimizers.discriminator.dispose();
  }

  /** Frees the networks and the optimizers. */
  dispose(): void {
    this.variant.dispose();
  }
}
