import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { bicubicUpscale, boxDownscale, sobelEdges } from '../../src/data/paired.js';
import { resolveConfig } from '../../src/train/config.js';
import { iterationRng, STREAM } from '../../src/core/streams.js';
import { buildSrgan } from '../../src/gans/srgan.js';
import { pixelShuffle } from '../../src/nn/pixel-shuffle.js';

test('pixel shuffle is exact: it equals depth_to_space, and it is a permutation', async () => {
  await initBackend('cpu');
  for (const [r, c] of [[2, 1], [2, 3], [4, 2]]) {
    const x = tf.randomNormal([2, 3, 5, c * r * r], 0, 1, 'float32', r * 10 + c) as tf.Tensor4D;
    const ours = pixelShuffle(x, r);
    const reference = tf.depthToSpace(x, r, 'NHWC');
    assert.deepEqual(ours.shape, [2, 3 * r, 5 * r, c]);
    assert.deepEqual(Array.from(ours.dataSync()), Array.from(reference.dataSync()));
    tf.dispose([x, ours, reference]);
  }
  // Hand-checked: channel (dy·r + dx) of pixel (0, 0) lands at (dy, dx).
  const one = pixelShuffle(tf.tensor4d([0, 1, 2, 3], [1, 1, 1, 4]), 2);
  assert.deepEqual(Array.from(one.dataSync()), [0, 1, 2, 3]);
  assert.deepEqual(one.shape, [1, 2, 2, 1]);
  one.dispose();
});

test('resampling: box downscaling averages blocks, bicubic keeps constants, Sobel finds the edge of a step', () => {
  const img = Float32Array.from({ length: 16 }, (_, i) => i);
  assert.deepEqual(Array.from(boxDownscale(img, [1, 4, 4, 1], 2)), [2.5, 4.5, 10.5, 12.5]);
  const flat = bicubicUpscale(new Float32Array(9).fill(0.3), [1, 3, 3, 1], 4);
  assert.ok(flat.every((v) => Math.abs(v - 0.3) < 1e-6));
  const step = Float32Array.from({ length: 25 }, (_, i) => (i % 5 >= 2 ? 1 : 0));
  const edges = sobelEdges(step, 1, 5, 5);
  assert.equal(edges[2 * 5 + 0], 0);
  assert.equal(edges[2 * 5 + 1], 1);
  assert.equal(edges[2 * 5 + 4], 1, 'the zero padding beyond the border is an edge too');
});

test('srgan ×4: G maps 7×7 to 28×28, the content term is the pixel MSE, the adversarial weight enters g_loss, no leaks', async () => {
  await initBackend('cpu');
  const data = mnistDataset();
  const config = resolveConfig({ variant: 'srgan', data: 'mnist', batchSize: 4, seed: 2, options: { filters: 4, blocks: 1, adversarialWeight: 0.01 } }, 'images');
  const gan = buildSrgan(config, data);
  assert.deepEqual(gan.inputShape, [7, 7, 1]);
  const ctx = (step: number) => ({ step, data, batchSize: 4, rng: (s: number, sub = 0) => iterationRng(2, step, s, sub) });
  const hr = tf.tensor4d(data.sample(4, ctx(0).rng(STREAM.data, 1)).x, [4, 28, 28, 1]);
  const expected = tf.tidy(() => tf.mean(tf.squaredDifference(gan.models().generator.apply(gan.downscale(hr), { training: true }) as tf.Tensor, hr)).dataSync()[0]);
  const logs = gan.trainIteration(ctx(0));
  assert.ok(Math.abs(logs.content_loss - expected) < 1e-5, `content ${logs.content_loss} vs ${expected}`);
  // g_adversarial is logged already weighted (the step logs the duels' weighted sum).
  assert.ok(Math.abs(logs.g_loss - (logs.g_adversarial + logs.content_loss)) < 1e-5, JSON.stringify(logs));
  gan.trainIteration(ctx(1));
  const before = tf.memory().numTensors;
  for (let s = 2; s < 4; s++) gan.trainIteration(ctx(s));
  assert.equal(tf.memory().numTensors, before);
  hr.dispose();
  gan.dispose();
  assert.throws(() => buildSrgan(resolveConfig({ variant: 'srgan', data: 'mnist', options: { scale: 3 } }, 'images'), data), /scale/);
});

test('gankit upscale: a tiny trained run upscales 7×7 to 28×28 and refuses 28×28 inputs', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { gankit } = await import('../cli/helpers.js');
  const { writeNpy, readNpy } = await import('../../src/io/npy.js');
  const dir = mkdtempSync(join(tmpdir(), 'gankit-upscale-'));
  const run = join(dir, 'run');
  const trained = gankit(['train', '--variant', 'srgan', '--steps', '2', '--batch', '2', '--option', 'filters=4', '--option', 'blocks=1', '--out', run, '--quiet']);
  assert.equal(trained.code, 0, trained.stderr);
  writeNpy(join(dir, 'lr.npy'), { shape: [2, 7, 7, 1], data: new Float32Array(98).fill(0.2) });
  const ok = gankit(['upscale', '--run', run, '--in', join(dir, 'lr.npy'), '--out', join(dir, 'hr.npy')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(readNpy(join(dir, 'hr.npy')).shape, [2, 28, 28, 1]);
  writeNpy(join(dir, 'big.npy'), { shape: [1, 28, 28, 1], data: new Float32Array(784) });
  const bad = gankit(['upscale', '--run', run, '--in', join(dir, 'big.npy'), '--out', join(dir, 'x.npy')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\[28,28,1\].*\[7,7,1\]/);
  const wrong = gankit(['translate', '--run', run, '--in', join(dir, 'lr.npy'), '--out', join(dir, 'y.npy')]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /needs a --variant pix2pix run/);
});
