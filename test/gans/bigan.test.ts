import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { gaussianMixture } from '../../src/data/mixtures.js';
import { storedDataset } from '../../src/data/stored.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { buildBiGan, hasEncoder, type EncoderVariant } from '../../src/gans/bigan.js';
import { createVariant } from '../../src/gans/registry.js';
import type { Dataset } from '../../src/data/types.js';
import type { IterationContext } from '../../src/gans/types.js';
import { iterationRng } from '../../src/core/streams.js';

before(async () => {
  await initBackend('wasm');
});

function context(step: number, data: Dataset, batchSize: number, seed: number): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

/** Two overlapping blobs: a 2D distribution with full support, so E can invert G exactly. */
const twoBlobs = () => gaussianMixture('two-blobs', [[-1, 0], [1, 0]], 0.35);

interface Reconstruction {
  /** Mean ‖G(E(x)) − x‖. */
  reconstructed: number;
  /** Mean ‖G(z) − x‖ for z drawn independently of x. */
  random: number;
  /** Share of x whose reconstruction lands in the same blob (same sign of the first coordinate). */
  sameBlob: number;
}

function reconstruction(v: EncoderVariant, data: Dataset, n = 500): Reconstruction {
  const { x } = data.sample(n, new Rng(77));
  const xs = tf.tensor2d(x, [n, 2]);
  const z = tf.tensor2d(new Rng(78).normals(n * v.latentDim), [n, v.latentDim]);
  const encoded = v.encode(xs);
  const [rec, rnd] = [v.generate(encoded).dataSync(), v.generate(z).dataSync()];
  let reconstructed = 0;
  let random = 0;
  let sameBlob = 0;
  for (let i = 0; i < n; i++) {
    reconstructed += Math.hypot(rec[2 * i] - x[2 * i], rec[2 * i + 1] - x[2 * i + 1]) / n;
    random += Math.hypot(rnd[2 * i] - x[2 * i], rnd[2 * i + 1] - x[2 * i + 1]) / n;
    if (Math.sign(rec[2 * i]) === Math.sign(x[2 * i])) sameBlob += 1 / n;
  }
  tf.dispose([xs, z, encoded]);
  return { reconstructed, random, sameBlob };
}

test('bigan: after training, G(E(x)) is much closer to x than G of a random z', (t) => {
  const data = twoBlobs();
  const steps = 1000;
  const config = resolveConfig(
    {
      variant: 'bigan', data: 'two-blobs', model: 'mlp', hidden: [64, 64], loss: { type: 'least-squares' }, steps, batchSize: 64, seed: 1,
      optimizerG: { type: 'adam', learningRate: 5e-4 }, optimizerD: { type: 'adam', learningRate: 5e-4 },
    },
    'points',
  );
  const v = buildBiGan(config, data);
  const untrained = reconstruction(v, data);
  // Control: before the game, E(x) says nothing about x.
  assert.ok(untrained.reconstructed > 0.8 * untrained.random, `untrained ${JSON.stringify(untrained)}`);
  v.trainIteration(context(0, data, 64, 1));
  const tensors = tf.memory().numTensors;
  for (let step = 1; step < steps; step++) v.trainIteration(context(step, data, 64, 1));
  assert.equal(tf.memory().numTensors, tensors, 'training leaked tensors');
  const r = reconstruction(v, data);
  t.diagnostic(`untrained ${JSON.stringify(untrained)}; trained ${JSON.stringify(r)}`);
  assert.ok(r.reconstructed < 0.5 * r.random, `‖G(E(x)) − x‖ = ${r.reconstructed} vs ‖G(z) − x‖ = ${r.random}`);
  assert.ok(r.sameBlob > 0.85, `only ${r.sameBlob} of reconstructions stay in their blob`);
  v.dispose();
});

test('bigan: dcgan-shaped G, E and D(x, z) train on 28×28 images without leaks; encode checks shapes', () => {
  const n = 16;
  const images = storedDataset({ name: 'noise', kind: 'images', shape: [28, 28, 1], x: new Rng(3).uniforms(n * 784, -1, 1) });
  const config = resolveConfig({ variant: 'bigan', data: 'noise', model: 'dcgan', latentDim: 8, steps: 2, batchSize: 4, seed: 2 }, 'images');
  const v = createVariant(config, images);
  assert.ok(hasEncoder(v));
  assert.deepEqual(Object.keys(v.models()).sort(), ['discriminator', 'encoder', 'generator']);
  v.trainIteration(context(0, images, 4, 2));
  const tensors = tf.memory().numTensors;
  v.trainIteration(context(1, images, 4, 2));
  assert.equal(tf.memory().numTensors, tensors, 'leaked tensors');
  const x = tf.zeros([3, 28, 28, 1]);
  const z = v.encode(x);
  assert.deepEqual(z.shape, [3, 8]);
  const d = v.discriminate(x);
  assert.deepEqual(d.shape, [3, 1]);
  assert.throws(() => v.encode(tf.zeros([3, 784])), /encode needs samples of shape \[n, 28, 28, 1\]/);
  tf.dispose([x, z, d]);
  v.dispose();
  // WGAN-GP penalises D's joint gradient in (x, z).
  const gp = buildBiGan(resolveConfig({ variant: 'bigan', data: 'noise', model: 'mlp', batchSize: 4, loss: { type: 'wgan-gp' } }, 'images'), images);
  const logs = gp.trainIteration(context(0, images, 4, 2));
  assert.ok(logs.gradient_penalty > 0 && Number.isFinite(logs.d_loss), JSON.stringify(logs));
  gp.dispose();
});
