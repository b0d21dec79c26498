import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { mnistDataset } from '../../src/data/mnist.js';
import type { Dataset } from '../../src/data/types.js';
import { createVariant, type GanVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { iterationContext } from '../../src/train/trainer.js';
import type { RunConfig } from '../../src/train/config.js';
import { config, maxDiff, weightValues } from './helpers.js';

await initBackend('wasm');

function run(v: GanVariant, c: RunConfig, data: Dataset, from: number, to: number): void {
  for (let s = from; s < to; s++) v.trainIteration(iterationContext(c, data, s));
}

async function resumesExactly(c: RunConfig, data: Dataset): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-resume-'));
  try {
    const straight = createVariant(c, data);
    run(straight, c, data, 0, 4);
    const first = createVariant(c, data);
    run(first, c, data, 0, 2);
    await saveCheckpoint(dir, first, { step: 2, seed: c.seed, backend: 'wasm', elapsedSeconds: 0 });
    first.dispose();
    const resumed = createVariant(c, data);
    await loadCheckpoint(dir, resumed, 2);
    run(resumed, c, data, 2, 4);
    for (const name of Object.keys(straight.models())) {
      // Not bit-exact: TF.js's Adam.setWeights recomputes β^t with pow() where training
      // multiplied step by step, a last-bit difference the plain GAN shows as well.
      const d = maxDiff(weightValues(straight.models()[name]), weightValues(resumed.models()[name]));
      assert.ok(d < 1e-6, `${c.variant}: ${name} differs by ${d} after resuming`);
    }
    straight.dispose();
    resumed.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a resumed run equals an uninterrupted one with EMA, unrolling, packing, R1, SN and minibatch stddev (points)', async () => {
  const data = ring8();
  const c = config({ variant: 'unrolled', data: 'ring8', model: 'mlp', hidden: [16, 16], batchSize: 16, seed: 2, options: { unrolledSteps: 2, emaDecay: 0.9, packing: 2, r1Gamma: 1, spectralNorm: true, minibatchStddev: true } }, data);
  await resumesExactly(c, data);
});

test('a resumed run equals an uninterrupted one with DiffAugment, EMA and SAGAN attention (images)', async () => {
  const data = mnistDataset();
  const c = config({ variant: 'sagan', data: 'mnist', model: 'dcgan', latentDim: 8, batchSize: 4, seed: 2, loss: { type: 'hinge' }, options: { diffAugment: true, emaDecay: 0.5 } }, data);
  await resumesExactly(c, data);
});
