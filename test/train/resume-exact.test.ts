import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { startRun, openRun, trainRun } from '../../src/train/run.js';
import type { RunConfigInput } from '../../src/train/config.js';
import { gankit } from '../cli/helpers.js';

// Resume must be bit-exact on the same backend: 200 steps straight and 100 + resume to 200,
// as `gankit train --steps 100` then `--resume --steps 200` run them. Chaotic training
// turns any last-bit difference at step 100 (Adam's β^t recomputed with pow() on load did)
// into differences of 1e-5 or more by step 200, so exact equality here is a sharp test.
const skipNative = process.env.GANKIT_NO_NATIVE === '1' ? 'GANKIT_NO_NATIVE=1' : false;
const base: RunConfigInput = { data: 'ring8', model: 'mlp', hidden: [16, 16], seed: 7, batchSize: 32, logEvery: 50 };
const cases: [string, RunConfigInput][] = [
  ['plain GAN', base],
  ['WGAN-GP, k = 5', { ...base, loss: { type: 'wgan-gp' }, criticSteps: 5 }],
  ['EMA generator 0.99', { ...base, options: { emaDecay: 0.99 } }],
];

/** The largest |a − b| over every weight of every model of the two runs. */
function maxWeightDifference(a: Awaited<ReturnType<typeof openRun>>, b: Awaited<ReturnType<typeof openRun>>): number {
  const ma = a.variant.models();
  const mb = b.variant.models();
  assert.deepEqual(Object.keys(ma), Object.keys(mb));
  let d = 0;
  for (const name of Object.keys(ma)) {
    const wa = ma[name].getWeights();
    const wb = mb[name].getWeights();
    wa.forEach((w, i) => {
      const x = w.dataSync();
      const y = wb[i].dataSync();
      for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs(x[j] - y[j]));
    });
  }
  return d;
}

for (const backend of ['cpu', 'native'] as const) {
  for (const [name, cfg] of cases) {
    test(`${backend}: 100 steps + resume to 200 equals 200 steps straight, bit for bit (${name})`, { skip: backend === 'native' && skipNative }, async () => {
      await initBackend(backend);
      const root = mkdtempSync(join(tmpdir(), 'gankit-exact-'));
      const full = startRun({ ...cfg, steps: 200 }, join(root, 'full'));
      await trainRun(full, { quiet: true, skipEvaluation: true });
      const first = startRun({ ...cfg, steps: 100 }, join(root, 'half'));
      await trainRun(first, { quiet: true, skipEvaluation: true });
      first.variant.dispose();
      const resumed = await openRun(join(root, 'half'), { steps: 200 });
      assert.equal(resumed.startStep, 100);
      await trainRun(resumed, { quiet: true, skipEvaluation: true });
      assert.equal(maxWeightDifference(full, resumed), 0);
      // The resumed run's last logged losses are the straight run's too.
      const last = (d: string) => readFileSync(join(root, d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((r) => r.step === 200).map(({ seconds: _s, ...r }) => r);
      assert.deepEqual(last('half'), last('full'));
      full.variant.dispose();
      resumed.variant.dispose();
      rmSync(root, { recursive: true, force: true });
    });
  }
}

// The CLI resumes in a new process, where the run is rebuilt from disk: the backend must be
// chosen before the networks and optimizers are (it once was not, and a native run's resumed
// steps ran on cpu with TF.js's own Adam). Checkpoint bytes must match one uninterrupted run.
test('CLI: `train --steps 100` then `--resume --steps 200` writes the same step-200 checkpoint as 200 steps straight', { skip: skipNative }, () => {
  const root = mkdtempSync(join(tmpdir(), 'gankit-exact-cli-'));
  const flags = ['--data', 'ring8', '--model', 'mlp', '--hidden', '16,16', '--seed', '7', '--batch', '32', '--log-every', '50', '--quiet'];
  for (const [steps, out] of [['200', 'full'], ['100', 'half']]) {
    const r = gankit(['train', ...flags, '--steps', steps, '--out', join(root, out)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const r = gankit(['train', '--resume', join(root, 'half'), '--steps', '200', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /backend: native \(the backend this run trained on\)/);
  for (const file of ['generator/weights.bin', 'discriminator/weights.bin', 'optimizer/generator.bin', 'optimizer/discriminator.bin']) {
    const a = readFileSync(join(root, 'full', 'checkpoints', 'step-000200', file));
    const b = readFileSync(join(root, 'half', 'checkpoints', 'step-000200', file));
    assert.ok(a.equals(b), `${file} differs after resuming in a new process`);
  }
  rmSync(root, { recursive: true, force: true });
});
