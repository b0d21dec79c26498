import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';

/**
 * Linear learning-rate decay, pix2pix's and CycleGAN's schedule: every optimizer keeps its
 * rate until `start` × the run's steps, then its rate falls linearly to `final` × that rate
 * at the last step. The rate is a function of the step alone, so a resumed run follows the
 * schedule exactly.
 */
export const LrDecaySchema = z
  .object({
    /** Share of the run's steps after which the rates start to fall (0.5: the second half). */
    start: z.number().min(0).lt(1),
    /** The rates at the last step, as a share of the configured rates. */
    final: z.number().min(0).max(1).default(0),
  })
  .strict();
export type LrDecay = z.output<typeof LrDecaySchema>;

/** The factor on the configured rates for the iteration with this 0-based index. */
export function lrFactor(decay: LrDecay, step: number, steps: number): number {
  const from = Math.floor(decay.start * steps);
  if (step < from || steps - from <= 1) return 1;
  const t = Math.min(1, (step - from) / (steps - 1 - from));
  return 1 - (1 - decay.final) * t;
}

/** Each optimizer's configured rate, taken the first time a schedule sees it. */
const configured = new WeakMap<tf.Optimizer, number>();

interface WithRate {
  learningRate: number;
  setLearningRate?(lr: number): void;
}

/** Sets every optimizer's rate for the iteration with this 0-based index. */
export function applyLrDecay(optimizers: Iterable<tf.Optimizer>, decay: LrDecay, step: number, steps: number): void {
  const f = lrFactor(decay, step, steps);
  for (const opt of optimizers) {
    const o = opt as unknown as WithRate;
    if (!configured.has(opt)) configured.set(opt, o.learningRate);
    const lr = (configured.get(opt) as number) * f;
    if (o.learningRate === lr) continue;
    // SGD keeps −lr as a tensor: only its setter updates that.
    if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
    else o.learningRate = lr;
  }
}
