// Capabilities are stated by each variant, not guessed from optional fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { loadDataset } from '../../src/data/index.js';
import { createVariant } from '../../src/gans/index.js';
import { resolveConfig } from '../../src/train/config.js';
import { gankit } from '../cli/helpers.js';

const ring8 = loadDataset('ring8');
const build = (variant: string, options: Record<string, unknown> = {}) =>
  createVariant(resolveConfig({ variant, data: 'ring8', model: 'mlp', hidden: [8], batchSize: 8, options }, 'points'), ring8);

test('each variant states what it can do', async () => {
  await initBackend('auto');
  const cases: Array<[string, Record<string, unknown>, Partial<Record<string, unknown>>]> = [
    ['gan', {}, { labels: null, encode: false, classify: false }],
    ['cgan', {}, { labels: 8 }],
    ['acgan', {}, { labels: 8 }],
    ['infogan', { categoricalCodes: [5] }, { labels: 5, codes: true }],
    ['bigan', {}, { encode: true, labels: null }],
    // The semi-supervised GAN knows the classes but generates without them.
    ['ssgan', { labelled: 16, accuracyEvery: 0 }, { classify: true, labels: null }],
  ];
  for (const [variant, options, want] of cases) {
    const v = build(variant, options);
    for (const [k, value] of Object.entries(want)) assert.equal(v.capabilities[k as keyof typeof v.capabilities], value, `${variant}.${k}`);
    v.dispose();
  }
});

test('sample --label on a run that cannot take labels (ssgan) is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-cap-'));
  try {
    const run = join(dir, 'run');
    const trained = gankit(['train', '--variant', 'ssgan', '--data', 'ring8', '--model', 'mlp', '--steps', '2', '--batch', '16', '--option', 'labelled=16', '--option', 'accuracyEvery=0', '--out', run, '--quiet']);
    assert.equal(trained.code, 0, trained.stderr);
    const r = gankit(['sample', '--run', run, '--n', '4', '--label', '3', '--out', join(dir, 's.npy')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /takes no labels/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown or mistyped option of any variant is an error that lists what it accepts', async () => {
  await initBackend('auto');
  assert.throws(() => build('acgan', { minibatchStddev: true }), /options\.minibatchStddev lives in the networks/);
  assert.throws(() => build('acgan', { auxilaryWeight: 2 }), /unknown option 'auxilaryWeight' for --variant acgan; it accepts: numClasses, auxiliaryWeight/);
  assert.throws(() => build('infogan', { infoweight: 1 }), /unknown option 'infoweight'.*infoWeight/);
  assert.throws(() => build('ssgan', { labeled: 10 }), /unknown option 'labeled'.*labelled/);
  assert.throws(() => build('gan', { r1Gamma: 1 }) && createVariant(resolveConfig({ data: 'ring8', model: 'mlp', loss: { type: 'wgan-gp' }, options: { r1Gamma: 1 } }, 'points'), ring8), /second gradient penalty/);
});

test('sub-step ranges are bounded: no draw can reuse another stream', async () => {
  await initBackend('auto');
  const { iterationRng, SUBSTEPS, MAX_LOOKAHEAD_STEPS, MAX_CRITIC_STEPS } = await import('../../src/core/streams.js');
  assert.throws(() => iterationRng(0, 0, 1, SUBSTEPS), /outside 0\.\.4095/);
  assert.throws(() => build('unrolled', { unrolledSteps: MAX_LOOKAHEAD_STEPS + 1 }), /options\.unrolledSteps/);
  assert.throws(() => resolveConfig({ data: 'ring8', criticSteps: MAX_CRITIC_STEPS + 1 }, 'points'), /criticSteps/);
});
