import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { createVariant } from '../../src/gans/index.js';
import { STREAM } from '../../src/gans/types.js';
import '../../src/gans/all.js';
import { ConfigError } from '../../src/train/config.js';
import { config, contextFor, train } from './helpers.js';

await initBackend('wasm');

const data = ring8();
const base = { variant: 'pacgan', data: 'ring8', model: 'mlp' as const, hidden: [16, 16], batchSize: 16, seed: 6 };

test('D takes m× the input: [2m] for points, m·c channels for images; G is unchanged', () => {
  for (const m of [2, 4]) {
    const v = createVariant(config({ ...base, options: { packing: m } }, data), data);
    assert.deepEqual(v.models().discriminator.inputs[0].shape, [null, 2 * m]);
    assert.deepEqual(v.models().generator.outputs[0].shape, [null, 2]);
    const scores = v.discriminate(tf.zeros([16, 2]));
    assert.deepEqual(scores.shape, [16 / m, 1]);
    scores.dispose();
    v.dispose();
  }
  const mnist = mnistDataset();
  const img = createVariant(config({ variant: 'pacgan', data: 'mnist', model: 'dcgan', latentDim: 8, batchSize: 4, options: { packing: 2 } }, mnist), mnist);
  assert.deepEqual(img.models().discriminator.inputs[0].shape, [null, 28, 28, 2]);
  img.dispose();
});

test('the D step scores packs of m consecutive real samples and m consecutive fakes', () => {
  const v = createVariant(config(base, data), data);
  const D = v.models().discriminator;
  const ctx = contextFor(data, 16, 0, 6);
  const real = data.sample(16, ctx.rng(STREAM.data, 0)).x;
  const z = tf.tensor2d(ctx.rng(STREAM.latent, 0).normals(32), [16, 2]);
  const fake = v.generate(z).dataSync();
  // Pack by hand: rows (x_{2i}, x_{2i+1}) → one 4-vector.
  const rOut = (D.predict(tf.tensor2d(real, [8, 4])) as tf.Tensor).dataSync();
  const fOut = (D.predict(tf.tensor2d(fake, [8, 4])) as tf.Tensor).dataSync();
  const softplus = (t: number) => Math.log1p(Math.exp(t));
  const expected = Array.from(rOut).reduce((s, t) => s + softplus(-t), 0) / 8 + Array.from(fOut).reduce((s, t) => s + softplus(t), 0) / 8;
  const logs = v.trainIteration(ctx);
  assert.ok(Math.abs(logs.d_loss - expected) < 1e-5, `d_loss ${logs.d_loss} vs ${expected}`);
  z.dispose();
  v.dispose();
});

test('packing that does not divide the batch is a ConfigError; training keeps the tensor count flat', () => {
  assert.throws(() => createVariant(config({ ...base, batchSize: 15 }, data), data), (e: Error) => e instanceof ConfigError && /multiple/.test(e.message));
  const v = createVariant(config({ ...base, options: { packing: 4, minibatchStddev: true } }, data), data);
  train(v, data, 16, 0, 2);
  const n = tf.memory().numTensors;
  train(v, data, 16, 2, 6);
  assert.equal(tf.memory().numTensors, n);
  v.dispose();
});
