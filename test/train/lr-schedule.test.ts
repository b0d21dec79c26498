import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { applyLrDecay, lrFactor, LrDecaySchema } from '../../src/core/lr-schedule.js';
import { createOptimizer } from '../../src/core/optimizers.js';

await initBackend('cpu');

test('the factor is 1 before the start, then falls linearly to final at the last step', () => {
  const d = { start: 0.5, final: 0 };
  assert.equal(lrFactor(d, 0, 100), 1);
  assert.equal(lrFactor(d, 49, 100), 1);
  assert.equal(lrFactor(d, 50, 100), 1);
  assert.ok(Math.abs(lrFactor(d, 99, 100)) < 1e-12);
  assert.ok(Math.abs(lrFactor(d, 74.5, 100) - 0.5) < 1e-12);
  assert.ok(Math.abs(lrFactor({ start: 0, final: 0.1 }, 9, 10) - 0.1) < 1e-12);
  assert.throws(() => LrDecaySchema.parse({ start: 1 }));
  assert.throws(() => LrDecaySchema.parse({ start: 0.5, final: 2 }));
});

test('every optimizer type follows the schedule from its own configured rate, leaking no tensors', () => {
  const opts = [
    createOptimizer({ type: 'adam', learningRate: 1e-3, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 }),
    createOptimizer({ type: 'sgd', learningRate: 0.1 }),
    createOptimizer({ type: 'rmsprop', learningRate: 5e-5, decay: 0.9, epsilon: 1e-8 }),
  ];
  const rate = (o: tf.Optimizer) => (o as unknown as { learningRate: number }).learningRate;
  const before = tf.memory().numTensors;
  const d = { start: 0.5, final: 0.5 };
  applyLrDecay(opts, d, 9, 10);
  assert.deepEqual(opts.map(rate), [0.5e-3, 0.05, 2.5e-5]);
  // Back at the start: the configured rates, not the decayed ones.
  applyLrDecay(opts, d, 0, 10);
  assert.deepEqual(opts.map(rate), [1e-3, 0.1, 5e-5]);
  assert.equal(tf.memory().numTensors, before);
  // SGD really steps with the new rate (it keeps −lr as a tensor): w − lr·g with g = 1.
  const w = tf.variable(tf.scalar(1));
  applyLrDecay([opts[1]], d, 9, 10);
  opts[1].applyGradients({ [w.name]: tf.scalar(1) });
  assert.ok(Math.abs(w.dataSync()[0] - 0.95) < 1e-6);
});

test('a run with lrDecay steps its last iteration at final × the configured rates', async () => {
  const { startRun, trainRun } = await import('../../src/train/run.js');
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const run = startRun({ data: 'ring8', model: 'mlp', hidden: [8], batchSize: 16, steps: 4, lrDecay: { start: 0.5, final: 0.25 }, seed: 1 }, join(mkdtempSync(join(tmpdir(), 'gankit-lr-')), 'run'));
  await trainRun(run, { quiet: true, skipEvaluation: true });
  const rates = Object.values(run.variant.optimizers()).map((o) => (o as unknown as { learningRate: number }).learningRate);
  assert.deepEqual(rates, [run.config.optimizerG.learningRate * 0.25, run.config.optimizerD.learningRate * 0.25]);
  run.variant.dispose();
});
