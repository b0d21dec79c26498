import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { startRun, openRun, trainRun } from '../../src/train/run.js';
import type { RunConfigInput } from '../../src/train/config.js';

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
