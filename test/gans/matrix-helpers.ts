// The matrix tests' one body, shared by the point and image variant files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.js';
import { LOSS_TYPES } from '../../src/train/config.js';
import { STABILISER_CELLS, runCell, type MatrixVariant } from '../../scripts/variant-matrix.js';

/** Combinations the step layer must train (issue 15): WGAN-GP beyond the plain family. */
const MUST_TRAIN: Array<[string, string]> = [
  ['infogan', 'wgan-gp'], ['bigan', 'wgan-gp'], ['cyclegan', 'wgan-gp'], ['stacked', 'wgan-gp'],
  ['cgan', 'wgan-gp'], ['acgan', 'wgan-gp'], ['projection', 'wgan-gp'], ['progressive', 'wgan-gp'],
  ['acgan', 'r1Gamma'], ['infogan', 'emaDecay'], ['bigan', 'unrolledSteps'], ['cyclegan', 'diffAugment'],
  ['stacked', 'r1Gamma'], ['ssgan', 'emaDecay'],
  // The text variants (issue 20) take every loss, R1 on the critic, and EMA where G has a twin.
  ...(['gumbel', 'seqgan', 'gan/text-resnet'] as const).flatMap((v) => [...LOSS_TYPES, 'r1Gamma'].map((c): [string, string] => [v, c])),
  ['gumbel', 'emaDecay'], ['gan/text-resnet', 'emaDecay'],
];

/** One test per variant: every loss and stabiliser trains or is refused clearly; criticSteps is honoured. */
export function matrixTests(variants: readonly MatrixVariant[]): void {
for (const variant of variants) {
  test(`${variant}: every loss and stabiliser trains or is refused with a ConfigError`, async () => {
    await initBackend('auto');
    for (const loss of LOSS_TYPES) {
      const r = runCell(variant, { loss });
      if ((MUST_TRAIN as Array<[string, string]>).some(([v, c]) => v === variant && c === loss)) assert.equal(r.outcome, 'ok', `${variant} × ${loss}: ${r.message}`);
      if (r.outcome === 'refused') assert.match(r.message!, /\S{3}.*(use|drop|needs|remove|must)/, `${variant} × ${loss}: the message should say what to do: ${r.message}`);
    }
    for (const option of Object.keys(STABILISER_CELLS)) {
      const r = runCell(variant, { option });
      if (MUST_TRAIN.some(([v, c]) => v === variant && c === option)) assert.equal(r.outcome, 'ok', `${variant} × ${option}: ${r.message}`);
      if (r.outcome === 'refused') assert.match(r.message!, /(use|drop|needs|remove|must)/, `${variant} × ${option}: ${r.message}`);
    }
    // criticSteps is honoured: k = 2 critic steps update the discriminators twice per iteration.
    const once = runCell(variant, { loss: 'non-saturating', criticSteps: 1 });
    const twice = runCell(variant, { loss: 'non-saturating', criticSteps: 2 });
    assert.ok(once.criticUpdates! >= 1, `${variant}: ${once.criticUpdates} critic updates per iteration`);
    assert.equal(twice.criticUpdates, 2 * once.criticUpdates!, `${variant}: ${once.criticUpdates} → ${twice.criticUpdates} critic updates per iteration`);
  });
}
}
