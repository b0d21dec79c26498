import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import type { GanVariant, IterationContext, IterationLogs } from '../gans/types.js';
import type { RunConfig } from './config.js';
import { iterationRng } from '../core/streams.js';
import { applyLrDecay } from '../core/lr-schedule.js';

/** Raised when a loss turns NaN or infinite: training stops, the last good checkpoint stays. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly logs: IterationLogs,
  ) {
    const bad = Object.entries(logs).filter(([, v]) => !Number.isFinite(v)).map(([k, v]) => `${k}=${v}`).join(', ');
    super(`training diverged at step ${step}: ${bad}`);
  }
}

/** Hooks the loop calls; all may be async (file writes). `step` counts completed iterations. */
export interface TrainerCallbacks {
  onIteration?(step: number, logs: IterationLogs): void | Promise<void>;
  /** Called when the loop stops early because of a non-finite loss. */
  onDivergence?(error: DivergenceError): void | Promise<void>;
}

/** The per-iteration context: all randomness comes from (seed, step, stream, subStep). */
export function iterationContext(config: Pick<RunConfig, 'seed' | 'batchSize'>, data: Dataset, step: number): IterationContext {
  return {
    step,
    data,
    batchSize: config.batchSize,
    rng: (stream, subStep = 0) => iterationRng(config.seed, step, stream, subStep),
  };
}

/** True when every weight of every model is finite. */
export function weightsAreFinite(variant: GanVariant): boolean {
  return tf.tidy(() =>
    Object.values(variant.models()).every((m) => m.weights.every((w) => tf.all(tf.isFinite(w.read())).dataSync()[0] === 1)),
  );
}

/**
 * The one training loop for every variant: iterations from `startStep` to `config.steps`,
 * each delegated to the variant; callbacks do logging, samples and checkpoints. It owns no
 * GAN maths. Returns the number of completed iterations.
 */
export async function runTraining(opts: {
  variant: GanVariant;
  data: Dataset;
  config: RunConfig;
  startStep: number;
  callbacks?: TrainerCallbacks;
  /** Stop after this many iterations of this call (the run's target stays config.steps). */
  maxIterations?: number;
}): Promise<number> {
  const { variant, data, config } = opts;
  const end = Math.min(config.steps, opts.maxIterations !== undefined ? opts.startStep + opts.maxIterations : Infinity);
  let step = opts.startStep;
  while (step < end) {
    if (config.lrDecay) applyLrDecay(Object.values(variant.optimizers()), config.lrDecay, step, config.steps);
    const logs = variant.trainIteration(iterationContext(config, data, step));
    step++;
    if (Object.values(logs).some((v) => !Number.isFinite(v))) {
      const err = new DivergenceError(step, logs);
      await opts.callbacks?.onDivergence?.(err);
      throw err;
    }
    await opts.callbacks?.onIteration?.(step, logs);
  }
  return step;
}
