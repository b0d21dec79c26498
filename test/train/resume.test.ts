import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { startRun, openRun, trainRun } from '../../src/train/run.js';
import type { RunConfigInput } from '../../src/train/config.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { RunFolderError } from '../../src/train/run-folder.js';

await initBackend('cpu');

function weightsOf(run: Awaited<ReturnType<typeof openRun>>): Float32Array[] {
  return Object.values(run.variant.models()).flatMap((m) => m.getWeights().map((w) => w.dataSync() as Float32Array));
}

const cases: [string, RunConfigInput][] = [
  ['non-saturating + Adam', { data: 'ring8', model: 'mlp', hidden: [16, 16], batchSize: 32, steps: 24, checkpointEvery: 12, sampleEvery: 12, logEvery: 4, seed: 5 }],
  ['wgan-gp + Adam(0.5, 0.9), k=5', { data: 'ring8', model: 'mlp', hidden: [16, 16], batchSize: 32, steps: 12, checkpointEvery: 6, sampleEvery: 6, loss: { type: 'wgan-gp' }, seed: 6 }],
  ['linear lr decay over the second half, resumed inside it', { data: 'ring8', model: 'mlp', hidden: [16, 16], batchSize: 32, steps: 16, checkpointEvery: 12, sampleEvery: 12, lrDecay: { start: 0.5, final: 0 }, seed: 8 }],
  ['wgan + RMSProp + clipping', { data: 'ring8', model: 'mlp', hidden: [16, 16], batchSize: 32, steps: 12, checkpointEvery: 6, sampleEvery: 6, loss: { type: 'wgan' }, seed: 7 }],
];

for (const [name, cfg] of cases) {
  test(`a run resumed halfway ends with the same weights as an uninterrupted one (${name})`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'gankit-resume-'));
    const full = startRun(cfg, join(root, 'full'));
    await trainRun(full, { quiet: true, skipEvaluation: true });
    const half = startRun(cfg, join(root, 'half'));
    const mid = cfg.checkpointEvery as number;
    const r = await trainRun(half, { quiet: true, maxIterations: mid, skipEvaluation: true });
    assert.equal(r.step, mid);
    half.variant.dispose();
    const resumed = await openRun(join(root, 'half'));
    assert.equal(resumed.startStep, mid);
    await trainRun(resumed, { quiet: true, skipEvaluation: true });
    const a = weightsOf(await openRun(join(root, 'full')));
    const b = weightsOf(await openRun(join(root, 'half')));
    assert.equal(a.length, b.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[i][j] - b[i][j]));
    assert.equal(maxDiff, 0, `max weight difference ${maxDiff}`);
    // metrics.jsonl of the resumed run has each step once
    const steps = readFileSync(join(root, 'half', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    assert.deepEqual(steps, [...new Set(steps)].sort((x, y) => x - y));
  });
}

test('an existing run folder is never overwritten', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gankit-exists-'));
  const cfg: RunConfigInput = { data: 'ring8', model: 'mlp', hidden: [8], batchSize: 16, steps: 2 };
  const run = startRun(cfg, join(root, 'r'));
  await trainRun(run, { quiet: true, skipEvaluation: true });
  const before = readFileSync(join(root, 'r', 'config.json'), 'utf8');
  assert.throws(() => startRun({ ...cfg, seed: 99 }, join(root, 'r')), (e: Error) => e instanceof RunFolderError && /--resume/.test(e.message));
  assert.equal(readFileSync(join(root, 'r', 'config.json'), 'utf8'), before);
});

test('the tensor count stays flat over 20 iterations with samples and checkpoints, for every loss', async () => {
  for (const loss of ['minimax', 'non-saturating', 'wgan', 'wgan-gp', 'least-squares', 'hinge'] as const) {
    const root = mkdtempSync(join(tmpdir(), 'gankit-leak-'));
    const run = startRun({ data: 'ring8', model: 'mlp', hidden: [8, 8], batchSize: 16, steps: 25, loss: { type: loss }, criticSteps: 2, checkpointEvery: 4, sampleEvery: 4 }, join(root, 'r'));
    await trainRun(run, { quiet: true, maxIterations: 5, skipEvaluation: true });
    const before = tf.memory().numTensors;
    await trainRun(run, { quiet: true, maxIterations: 20, skipEvaluation: true });
    assert.equal(tf.memory().numTensors, before, `${loss}: tensors ${before} → ${tf.memory().numTensors}`);
    run.variant.dispose();
  }
});

test('a NaN loss stops training with a clear error and keeps the last good checkpoint', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gankit-nan-'));
  // A learning rate of 1e12 makes WGAN (no clipping bound on the generator) blow up quickly.
  const run = startRun(
    { data: 'ring8', model: 'mlp', hidden: [8], batchSize: 16, steps: 400, loss: { type: 'least-squares' }, optimizerG: { type: 'sgd', learningRate: 1e6 }, optimizerD: { type: 'sgd', learningRate: 1e6 }, checkpointEvery: 1, sampleEvery: 1000 },
    join(root, 'r'),
  );
  const r = await trainRun(run, { quiet: true });
  assert.ok(r.diverged, 'training reported divergence');
  assert.match(r.diverged.message, /diverged at step \d+/);
  const cps = listCheckpoints(join(root, 'r'));
  assert.ok(cps.length >= 1 && cps.every((s) => s < r.step), `checkpoints ${cps} all before step ${r.step}`);
  assert.equal(r.lastCheckpoint, cps[cps.length - 1]);
  // the kept checkpoint loads and has finite weights
  const reopened = await openRun(join(root, 'r'));
  for (const w of Object.values(reopened.variant.models()).flatMap((m) => m.getWeights())) assert.ok(w.dataSync().every(Number.isFinite));
  assert.match(readFileSync(join(root, 'r', 'report.html'), 'utf8'), /diverged/);
  assert.ok(!existsSync(join(root, 'r', 'eval.json')), 'no final evaluation of a diverged run');
});
