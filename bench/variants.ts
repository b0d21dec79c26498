/**
 * gankit's own variants as bench workloads: a config file (configs/*.json) built as
 * `gankit train` builds it, stepped through the trainer's per-iteration context, so a
 * timing or a profile of one iteration is one real training step of that config.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/index.js';
import { createVariant } from '../src/gans/index.js';
import type { GanVariant } from '../src/gans/types.js';
import { resolveConfig, type RunConfig, type RunConfigInput } from '../src/train/config.js';
import { iterationContext } from '../src/train/trainer.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The variants table: each config beside the plain DCGAN it extends. `plain` is the
 * reference (`gankit train --data mnist --model dcgan`).
 */
export const VARIANT_CONFIGS = ['plain', 'cgan-mnist', 'stabilised-dcgan-mnist', 'sagan-mnist'] as const;
export type VariantConfigName = (typeof VARIANT_CONFIGS)[number];

/** The config a name stands for: `plain`, a file in configs/ (without .json), or a path. */
export function variantConfigInput(name: string): RunConfigInput {
  if (name === 'plain') return { variant: 'gan', data: 'mnist', model: 'dcgan' };
  const path = name.endsWith('.json') ? name : join(here, '..', 'configs', `${name}.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as RunConfigInput;
}

export interface VariantStepper {
  name: string;
  config: RunConfig;
  variant: GanVariant;
  /** One training iteration (what `gankit train` runs per step). */
  step(): void;
  dispose(): void;
}

/** Builds a config's variant on the current backend; `batch` overrides its batch size. */
export function makeVariantStepper(name: string, opts: { batch?: number; seed?: number } = {}): VariantStepper {
  const input = { ...variantConfigInput(name), steps: 1_000_000 };
  if (opts.batch !== undefined) input.batchSize = opts.batch;
  if (opts.seed !== undefined) input.seed = opts.seed;
  const data = loadDataset(input.data ?? 'mnist');
  const config = resolveConfig(input, data.kind);
  const variant = createVariant(config, data);
  let step = 0;
  return {
    name,
    config,
    variant,
    step() {
      const logs = variant.trainIteration(iterationContext(config, data, step++));
      for (const v of Object.values(logs)) if (!Number.isFinite(v)) throw new Error(`${name}: loss not finite at step ${step}`);
    },
    dispose: () => variant.dispose(),
  };
}
