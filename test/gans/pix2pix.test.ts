import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { resolveConfig } from '../../src/train/config.js';
import { iterationRng, STREAM } from '../../src/core/streams.js';
import type { IterationContext } from '../../src/gans/types.js';
import { buildPix2Pix, roundDropoutSeed } from '../../src/gans/pix2pix.js';
import { buildUnet, seedDropout } from '../../src/nets/unet.js';
import { buildPatchGan, patchReceptiveField } from '../../src/nets/patchgan.js';

test('the U-Net carries the input through its skips: with the bottleneck cut, one input pixel still moves the output there', async () => {
  await initBackend('cpu');
  const G = buildUnet({ inputShape: [28, 28, 1], outChannels: 1, filters: 4, depth: 2, dropout: 0 });
  // Zero the deepest encoder conv: nothing passes through the 7×7 bottleneck any more.
  const deepest = G.getLayer('generator_down1');
  deepest.setWeights(deepest.getWeights().map((w) => tf.zerosLike(w)));
  const base = tf.zeros([1, 28, 28, 1]);
  const poked = tf.tensor4d(new Float32Array(784).map((_, i) => (i === 13 * 28 + 13 ? 1 : 0)), [1, 28, 28, 1]);
  const diff = tf.tidy(() => tf.abs(tf.sub(G.predict(poked) as tf.Tensor, G.predict(base) as tf.Tensor)).dataSync());
  assert.ok(diff[13 * 28 + 13] > 1e-4, `output at the poked pixel moved by ${diff[13 * 28 + 13]}`);
  // ... and only near it: the change is local, full resolution, not smeared through 7×7.
  assert.equal(diff[0], 0, 'a far corner does not move');
  tf.dispose([base, poked]);
  G.dispose();
});

test('the PatchGAN scores patches: [h/2, w/2, 1] at 28×28, each score blind outside its receptive field', async () => {
  await initBackend('cpu');
  const D = buildPatchGan({ conditionShape: [28, 28, 1], imageChannels: 1, filters: 4, downsamplings: 1 });
  const field = patchReceptiveField(1);
  assert.equal(field, 16);
  assert.equal(patchReceptiveField(3), 70, "the paper's 70×70 at three levels");
  const x = tf.randomUniform([1, 28, 28, 1], -1, 1, 'float32', 1);
  const y = tf.randomUniform([1, 28, 28, 1], -1, 1, 'float32', 2);
  const out = D.predict([x, y]) as tf.Tensor;
  assert.deepEqual(out.shape, [1, 14, 14, 1]);
  // The gradient of the score at patch (0, 0) with respect to the image is zero beyond the field.
  const g = tf.grad((img: tf.Tensor) => tf.sum(tf.slice(D.apply([x, img], { training: false }) as tf.Tensor, [0, 0, 0, 0], [1, 1, 1, 1])))(y);
  const gv = g.dataSync();
  let inside = 0;
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
    const v = Math.abs(gv[r * 28 + c]);
    if (r >= field || c >= field) assert.equal(v, 0, `pixel (${r}, ${c}) is outside the patch`);
    else inside += v;
  }
  assert.ok(inside > 0);
  tf.dispose([x, y, out, g]);
  D.dispose();
});

test('pix2pix: the logged L1 term is ‖y − G(x)‖₁ on the round\'s pairs, g_loss = adversarial + λ·L1, no leaks', async () => {
  await initBackend('cpu');
  const data = mnistDataset();
  const config = resolveConfig({ variant: 'pix2pix', data: 'mnist', batchSize: 4, seed: 3, options: { filters: 4, l1Weight: 100 } }, 'images');
  const gan = buildPix2Pix(config, data);
  const ctx = (step: number): IterationContext => ({ step, data, batchSize: 4, rng: (s, sub = 0) => iterationRng(3, step, s, sub) });
  const c0 = ctx(0);
  // The generator round is sub-step k = 1; the critic step before it leaves G's weights as they are.
  const pairs = gan.pairs.samplePairs(4, c0.rng(STREAM.data, 1));
  const x = tf.tensor4d(pairs.inputs, [4, 28, 28, 1]);
  const y = tf.tensor4d(pairs.targets, [4, 28, 28, 1]);
  seedDropout(roundDropoutSeed(c0, 1));
  const expected = tf.tidy(() => tf.mean(tf.abs(tf.sub(y, gan.models().generator.apply(x, { training: true }) as tf.Tensor))).dataSync()[0]);
  const logs = gan.trainIteration(c0);
  assert.ok(Math.abs(logs.l1_loss - expected) < 1e-5, `l1 ${logs.l1_loss} vs ${expected}`);
  assert.ok(Math.abs(logs.g_loss - (logs.g_adversarial + 100 * logs.l1_loss)) < 1e-3);
  gan.trainIteration(ctx(1));
  const before = tf.memory().numTensors;
  for (let s = 2; s < 4; s++) gan.trainIteration(ctx(s));
  assert.equal(tf.memory().numTensors, before);
  // Grids read input | output | target by rows; translate keeps the shape.
  const t = gan.translate(x);
  assert.deepEqual(t.shape, [4, 28, 28, 1]);
  tf.dispose([x, y, t]);
  gan.dispose();
});

test('pix2pix refuses data it cannot pair and diffAugment, naming the fix', async () => {
  await initBackend('cpu');
  const { ring8 } = await import('../../src/data/mixtures.js');
  assert.throws(() => buildPix2Pix(resolveConfig({ variant: 'pix2pix', data: 'ring8' }, 'points'), ring8()), /paired images.*use --data mnist/);
  assert.throws(() => buildPix2Pix(resolveConfig({ variant: 'pix2pix', data: 'mnist', options: { diffAugment: true } }, 'images'), mnistDataset()), /drop it/);
});

test('gankit translate: a tiny trained run maps a .npy of edges and a .png; wrong shapes and existing files are refused', async () => {
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { gankit } = await import('../cli/helpers.js');
  const { writeNpy, readNpy } = await import('../../src/io/npy.js');
  const dir = mkdtempSync(join(tmpdir(), 'gankit-translate-'));
  const run = join(dir, 'run');
  const trained = gankit(['train', '--variant', 'pix2pix', '--steps', '2', '--batch', '2', '--option', 'filters=4', '--out', run, '--quiet']);
  assert.equal(trained.code, 0, trained.stderr);
  writeNpy(join(dir, 'edges.npy'), { shape: [3, 28, 28, 1], data: new Float32Array(3 * 784).fill(0.5) });
  const ok = gankit(['translate', '--run', run, '--in', join(dir, 'edges.npy'), '--out', join(dir, 'digits.npy')]);
  assert.equal(ok.code, 0, ok.stderr);
  const out = readNpy(join(dir, 'digits.npy'));
  assert.deepEqual(out.shape, [3, 28, 28, 1]);
  assert.ok(out.data.every((v) => v >= 0 && v <= 1));
  const png = gankit(['translate', '--run', run, '--in', join(dir, 'digits.npy'), '--out', join(dir, 'digits.png')]);
  assert.equal(png.code, 0, png.stderr);
  assert.ok(existsSync(join(dir, 'digits.png')));
  writeNpy(join(dir, 'small.npy'), { shape: [2, 7, 7, 1], data: new Float32Array(98) });
  const bad = gankit(['translate', '--run', run, '--in', join(dir, 'small.npy'), '--out', join(dir, 'x.npy')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /shape \[7,7,1\].*\[28,28,1\]/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const again = gankit(['translate', '--run', run, '--in', join(dir, 'edges.npy'), '--out', join(dir, 'digits.npy')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
});
