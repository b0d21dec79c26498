import { ConfigError, type RunConfig } from './config.js';

/**
 * Upper bounds on values that, past them, can only be typos (1e12 steps, a batch of a
 * billion). Generous: far beyond any real run, but finite, so a slip is one clear line
 * instead of a run that never checkpoints or eats all memory.
 */
export const LIMITS = {
  steps: { max: 10_000_000, why: 'steps: more would train for months; is it a typo?' },
  batch: { max: 65_536, why: 'samples per batch: a batch that large does not fit in memory' },
  criticSteps: { max: 1_000, why: 'critic steps per generator step' },
  width: { max: 65_536, why: 'units: a layer that wide does not fit in memory' },
  samples: { max: 1_000_000, why: 'samples per call: split the job into several calls' },
  every: { max: 10_000_000, why: 'steps between logs, samples or checkpoints' },
} as const;

/** The most float32 values one call may hold in memory at once (1 GiB). */
export const MAX_FLOATS = 2 ** 28;

function check(where: string, value: number | undefined, limit: { max: number; why: string }): void {
  if (value !== undefined && value > limit.max) {
    throw new ConfigError(`invalid ${where}: ${value} is more than ${limit.max.toLocaleString('en-US')} ${limit.why}`);
  }
}

/** Checks a resolved config (from flags or a config file) against LIMITS. */
export function checkConfigLimits(c: RunConfig): void {
  check('steps', c.steps, LIMITS.steps);
  check('batchSize', c.batchSize, LIMITS.batch);
  check('criticSteps', c.criticSteps, LIMITS.criticSteps);
  check('latentDim', c.latentDim, LIMITS.width);
  for (const w of c.hidden ?? []) check('hidden', w, LIMITS.width);
  check('gridSize', c.gridSize, LIMITS.batch);
  check('logEvery', c.logEvery, LIMITS.every);
  check('sampleEvery', c.sampleEvery, LIMITS.every);
  check('checkpointEvery', c.checkpointEvery, LIMITS.every);
}
