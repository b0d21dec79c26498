import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { createVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { config, contextFor, maxDiff, train, weightValues } from './helpers.js';

await initBackend('wasm');

const data = ring8();
const base = { data: 'ring8', model: 'mlp' as const, hidden: [16, 16], batchSize: 16, seed: 5 };

async function optimizerState(o: tf.Optimizer): Promise<Float32Array[]> {
  const named = await o.getWeights();
  return named.map((n) => Float32Array.from(n.tensor.dataSync()));
}

test('unrolled with k = 0 is the plain GAN, step for step', () => {
  const plain = createVariant(config({ ...base, variant: 'gan' }, data), data);
  const k0 = createVariant(config({ ...base, variant: 'unrolled', options: { unrolledSteps: 0 } }, data), data);
  train(plain, data, 16, 0, 3);
  train(k0, data, 16, 0, 3);
  assert.equal(maxDiff(weightValues(plain.models().generator), weightValues(k0.models().generator)), 0);
  assert.equal(maxDiff(weightValues(plain.models().discriminator), weightValues(k0.models().discriminator)), 0);
  plain.dispose();
  k0.dispose();
});

test('unrolled with k = 3: G\'s update differs, while D and its optimizer come back exactly as the plain GAN leaves them', async () => {
  const plain = createVariant(config({ ...base, variant: 'gan' }, data), data);
  const unrolled = createVariant(config({ ...base, variant: 'unrolled', options: { unrolledSteps: 3 } }, data), data);
  assert.equal(unrolled.name, 'unrolled');
  train(plain, data, 16, 0, 1);
  train(unrolled, data, 16, 0, 1);
  const gDiff = maxDiff(weightValues(plain.models().generator), weightValues(unrolled.models().generator));
  assert.ok(gDiff > 1e-6, `G's step must see the look-ahead D (max weight difference ${gDiff})`);
  // After one iteration D has had exactly one real step in both: the look-ahead was undone.
  assert.equal(maxDiff(weightValues(plain.models().discriminator), weightValues(unrolled.models().discriminator)), 0);
  assert.equal(maxDiff(await optimizerState(plain.optimizers().discriminator), await optimizerState(unrolled.optimizers().discriminator)), 0);
  assert.equal(plain.optimizers().discriminator.iterations, unrolled.optimizers().discriminator.iterations);
  plain.dispose();
  unrolled.dispose();
});

test('unrolled training keeps the tensor count flat', () => {
  const v = createVariant(config({ ...base, variant: 'unrolled' }, data), data);
  train(v, data, 16, 0, 2);
  const n = tf.memory().numTensors;
  train(v, data, 16, 2, 5);
  assert.equal(tf.memory().numTensors, n);
  v.dispose();
});

test('the unrolled G step is exactly a plain G step against D advanced k more steps on the look-ahead batches', () => {
  const k = 3;
  const unrolled = createVariant(config({ ...base, variant: 'unrolled', options: { unrolledSteps: k } }, data), data);
  // A plain GAN with 1 + k critic steps whose batches are routed to the unrolled run's:
  // critic step 0 is the real D step, steps 1..k the look-ahead ones (sub-steps 1000...),
  // and its G step (sub-step 1 + k) takes the unrolled G step's batch (sub-step 1).
  const lookahead = createVariant(config({ ...base, variant: 'gan', criticSteps: 1 + k }, data), data);
  const ctx = contextFor(data, 16, 0, 5);
  const routed = { ...ctx, rng: (stream: number, sub = 0) => ctx.rng(stream, sub === 0 ? 0 : sub <= k ? 1000 + sub - 1 : 1) };
  const u = unrolled.trainIteration(ctx);
  const p = lookahead.trainIteration(routed);
  assert.equal(u.g_loss, p.g_loss);
  assert.equal(maxDiff(weightValues(unrolled.models().generator), weightValues(lookahead.models().generator)), 0);
  unrolled.dispose();
  lookahead.dispose();
});
