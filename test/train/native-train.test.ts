import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { startRun, openRun, trainRun } from '../../src/train/run.js';
import type { RunConfigInput } from '../../src/train/config.js';
import { createOptimizer } from '../../src/train/optimizers.js';

// The native backend is required here unless GANKIT_NO_NATIVE=1 says it was left out on purpose.
const skip = process.env.GANKIT_NO_NATIVE === '1' ? 'GANKIT_NO_NATIVE=1' : false;

test('on native, gankit uses the fused optimizers, and resume is still exact', { skip }, async () => {
  await initBackend('native');
  assert.equal(tf.getBackend(), 'native');
  const opt = createOptimizer({ type: 'adam', learningRate: 1e-3, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
  assert.match(opt.constructor.name, /Native/);
  opt.dispose();
  const cfg: RunConfigInput = { data: 'ring8', model: 'mlp', hidden: [32, 32], batchSize: 32, steps: 30, checkpointEvery: 15, sampleEvery: 15, seed: 3, loss: { type: 'wgan-gp' }, criticSteps: 2 };
  const root = mkdtempSync(join(tmpdir(), 'gankit-native-'));
  await trainRun(startRun(cfg, join(root, 'full')), { quiet: true, skipEvaluation: true });
  await trainRun(startRun(cfg, join(root, 'half')), { quiet: true, skipEvaluation: true, maxIterations: 15 });
  await trainRun(await openRun(join(root, 'half')), { quiet: true, skipEvaluation: true });
  const w = async (d: string) => Object.values((await openRun(join(root, d))).variant.models()).flatMap((m) => m.getWeights().map((t) => t.dataSync() as Float32Array));
  const [a, b] = [await w('full'), await w('half')];
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[i][j] - b[i][j]));
  assert.equal(maxDiff, 0, `max weight difference ${maxDiff}`);
});
