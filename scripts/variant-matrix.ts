/**
 * What composes with what: every variant × every loss, and every variant × each
 * stabiliser, trained 3 iterations on a tiny setting, or refused with the ConfigError
 * theory gives. `npx tsx scripts/variant-matrix.ts` prints the table (docs/variant-matrix.md
 * holds its last output); test/gans/matrix.test.ts runs the same cells.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../src/core/errors.js';
import { loadDataset } from '../src/data/index.js';
import type { Dataset } from '../src/data/types.js';
import { createVariant } from '../src/gans/index.js';
import { LOSS_TYPES, resolveConfig, type RunConfigInput } from '../src/train/config.js';
import { iterationContext } from '../src/train/trainer.js';

export const POINT_VARIANTS = ['gan', 'sngan', 'unrolled', 'pacgan', 'lsgan-qi', 'cgan', 'projection', 'acgan', 'infogan', 'bigan', 'ssgan'] as const;
export const IMAGE_VARIANTS = ['sagan', 'stacked', 'cyclegan', 'progressive', 'pix2pix', 'srgan'] as const;
/** `gan/text-resnet` is the WGAN-GP language model's row: `--variant gan --model text-resnet`. */
export const TEXT_VARIANTS = ['gumbel', 'seqgan', 'gan/text-resnet'] as const;
export const VARIANTS = [...POINT_VARIANTS, ...IMAGE_VARIANTS, ...TEXT_VARIANTS] as const;
export type MatrixVariant = (typeof VARIANTS)[number];

/** Each stabiliser switched on as a user would (`--option KEY=VALUE`). */
export const STABILISER_CELLS: Record<string, unknown> = {
  spectralNorm: true,
  selfAttention: true,
  minibatchStddev: true,
  minibatchDiscrimination: true,
  featureMatching: true,
  emaDecay: 0.9,
  diffAugment: true,
  r1Gamma: 1,
  ttur: true,
  unrolledSteps: 2,
  packing: 2,
};

/** The smallest setting each variant trains in: its own options and its data. */
function base(variant: MatrixVariant): { input: RunConfigInput; data: string } {
  switch (variant) {
    case 'sagan':
      return { input: { model: 'dcgan', batchSize: 4, latentDim: 8 }, data: 'mnist' };
    case 'stacked':
      return { input: { batchSize: 4, latentDim: 8, options: { coarseSteps: 1, fineSteps: 1, filters: 4 } }, data: 'mnist' };
    case 'cyclegan':
      return { input: { batchSize: 2, options: { filters: 4 } }, data: 'mnist' };
    case 'pix2pix':
      return { input: { batchSize: 2, options: { filters: 4 } }, data: 'mnist' };
    case 'srgan':
      return { input: { batchSize: 2, options: { filters: 4, blocks: 1 } }, data: 'mnist' };
    case 'progressive':
      return {
        input: { batchSize: 4, latentDim: 8, options: { phases: [{ resolution: 4, steps: 1 }, { resolution: 8, fade: 1, steps: 1 }], channels: [8, 8, 4, 4] } },
        data: 'mnist',
      };
    case 'seqgan':
      return { input: { hidden: [8, 1], batchSize: 4, options: { pretrainSteps: 1, rollouts: 2, embedding: 4, units: 8 } }, data: 'words' };
    case 'gumbel':
    case 'gan/text-resnet':
      return { input: { model: 'text-resnet', hidden: [8, 1], latentDim: 4, batchSize: 4 }, data: 'words' };
    case 'ssgan':
      return { input: { model: 'mlp', hidden: [16, 16], batchSize: 8, options: { labelled: 16, accuracyEvery: 0 } }, data: 'ring8' };
    default:
      return { input: { model: 'mlp', hidden: [16, 16], batchSize: 8 }, data: 'ring8' };
  }
}

export interface CellResult {
  /** 'ok': trained 3 iterations with finite logs; otherwise the ConfigError's message. */
  outcome: 'ok' | 'refused';
  message?: string;
  /** Discriminator updates per iteration, counted on its optimizers. */
  criticUpdates?: number;
}

const loaded = new Map<string, Dataset>();
const dataFor = (name: string) => loaded.get(name) ?? loaded.set(name, loadDataset(name)).get(name)!;

/** Updates an optimizer has applied (TF.js's public counter; 0 before its first). */
function iterationsOf(opt: tf.Optimizer): number {
  return opt.iterations;
}

/** Trains one cell; errors other than ConfigError propagate (they are bugs). */
export function runCell(variant: MatrixVariant, change: { loss?: (typeof LOSS_TYPES)[number]; option?: string; criticSteps?: number }): CellResult {
  const { input, data: dataName } = base(variant);
  const data = dataFor(dataName);
  const options = { ...(input.options ?? {}), ...(change.option ? { [change.option]: STABILISER_CELLS[change.option] } : {}) };
  let v;
  try {
    const config = resolveConfig(
      { ...input, variant: variant.split('/')[0], data: dataName, seed: 1, steps: 3, options, ...(change.loss ? { loss: { type: change.loss } } : {}), ...(change.criticSteps ? { criticSteps: change.criticSteps } : {}) },
      data.kind,
    );
    v = createVariant(config, data);
    const dOpts = Object.entries(v.optimizers()).filter(([name]) => name.startsWith('discriminator')).map(([, o]) => o);
    const before = dOpts.reduce((a, o) => a + iterationsOf(o), 0);
    for (let step = 0; step < 3; step++) {
      const logs = v.trainIteration(iterationContext(config, data, step));
      const bad = Object.entries(logs).filter(([, x]) => !Number.isFinite(x));
      if (bad.length) throw new Error(`${variant} ${JSON.stringify(change)}: non-finite logs ${JSON.stringify(bad)}`);
    }
    const criticUpdates = (dOpts.reduce((a, o) => a + iterationsOf(o), 0) - before) / 3;
    return { outcome: 'ok', criticUpdates };
  } catch (e) {
    if (e instanceof ConfigError) return { outcome: 'refused', message: e.message };
    throw e;
  } finally {
    v?.dispose();
  }
}

/** The whole matrix as markdown: ✓ trains, ✗ refused (the reason below the table). */
export function matrixMarkdown(): string {
  const columns = [...LOSS_TYPES, ...Object.keys(STABILISER_CELLS)];
  const reasons: string[] = [];
  const rows = VARIANTS.map((variant) => {
    const cells = columns.map((col) => {
      const r = (LOSS_TYPES as readonly string[]).includes(col) ? runCell(variant, { loss: col as (typeof LOSS_TYPES)[number] }) : runCell(variant, { option: col });
      if (r.outcome === 'ok') return '✓';
      reasons.push(`- ${variant} × ${col}: ${r.message}`);
      return `✗${reasons.length}`;
    });
    return `| ${variant} | ${cells.join(' | ')} |`;
  });
  return [
    `| variant | ${columns.join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    'Refused, with the message the user gets:',
    '',
    ...reasons.map((r, i) => r.replace('- ', `${i + 1}. `)),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('../src/backend/index.js');
  await initBackend('auto');
  console.log(matrixMarkdown());
}
