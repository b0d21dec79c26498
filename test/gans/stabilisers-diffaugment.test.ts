import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { ring8 } from '../../src/data/mixtures.js';
import { applyAugment, cutoutSize, diffAugment, drawAugmentParams, translationRange } from '../../src/gans/diffaugment.js';
import { buildGan } from '../../src/gans/gan.js';
import { STREAM } from '../../src/gans/types.js';
import { Rng } from '../../src/train/rng.js';
import { config, contextFor } from './helpers.js';

await initBackend('wasm');

const H = 8;
const W = 8;

test('translation moves pixel (i, j) to (i + shiftY, j + shiftX) and fills with 0; range ⌊size/8 + ½⌋', () => {
  assert.equal(translationRange(28), 4);
  assert.equal(translationRange(32), 4);
  const img = new Float32Array(2 * H * W);
  img[3 * W + 4] = 1; // sample 0, pixel (3, 4)
  img[H * W + 0 * W + 7] = 1; // sample 1, pixel (0, 7): will leave the image
  const x = tf.tensor4d(img, [2, H, W, 1]);
  const y = applyAugment(x, { shiftY: Int32Array.from([1, 0]), shiftX: Int32Array.from([-1, 1]) }).dataSync();
  const ones = Array.from(y).flatMap((v, i) => (v !== 0 ? [i] : []));
  assert.deepEqual(ones, [4 * W + 3]);
  x.dispose();
});

test('cutout zeroes a ⌊size/2 + ½⌋ square around its centre, clipped at the border', () => {
  assert.equal(cutoutSize(28), 14);
  const x = tf.ones([2, H, W, 1]) as tf.Tensor4D;
  const y = applyAugment(x, { cutY: Int32Array.from([4, 0]), cutX: Int32Array.from([4, 0]) }).dataSync();
  const zeros = (k: number) => Array.from(y.slice(k * H * W, (k + 1) * H * W)).filter((v) => v === 0).length;
  assert.equal(zeros(0), 16); // a 4×4 square inside
  assert.equal(zeros(1), 4); // rows/cols −2..1 clipped to 0..1: a 2×2 corner
  x.dispose();
});

test('colour: brightness + (b − ½), saturation ×2s about the channel mean, contrast ×(c + ½) about the image mean', () => {
  const xs = new Rng(2).uniforms(2 * 2 * 3, -1, 1);
  const x = tf.tensor4d(xs, [1, 2, 2, 3]);
  const p = { brightness: Float32Array.from([0.8]), saturation: Float32Array.from([0.3]), contrast: Float32Array.from([0.9]) };
  const y = applyAugment(x, p).dataSync();
  let v = Array.from(xs, (a) => a + 0.3);
  for (let px = 0; px < 4; px++) {
    const m = (v[px * 3] + v[px * 3 + 1] + v[px * 3 + 2]) / 3;
    for (let c = 0; c < 3; c++) v[px * 3 + c] = (v[px * 3 + c] - m) * 0.6 + m;
  }
  const mAll = v.reduce((a, b) => a + b, 0) / v.length;
  v = v.map((a) => (a - mAll) * 1.4 + mAll);
  assert.ok(Math.max(...v.map((a, i) => Math.abs(a - y[i]))) < 1e-5);
  x.dispose();
});

test('one function for real and fake: the same draws give the same affine map, and its gradient is exact', () => {
  const policy = ['color', 'translation', 'cutout'] as const;
  const pa = drawAugmentParams(policy, 3, H, W, new Rng(7));
  const pb = drawAugmentParams(policy, 3, H, W, new Rng(7));
  assert.deepEqual(pa, pb);
  const a = tf.randomUniform([3, H, W, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const b = tf.randomUniform([3, H, W, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
  // Affine: T(a) − T(b) − (T(a − b) − T(0)) = 0.
  const lhs = tf.sub(applyAugment(a, pa), applyAugment(b, pa));
  const rhs = tf.sub(applyAugment(tf.sub(a, b) as tf.Tensor4D, pa), applyAugment(tf.zerosLike(a), pa));
  assert.ok(tf.max(tf.abs(tf.sub(lhs, rhs))).dataSync()[0] < 1e-5);
  // Gradient through the augmentation: d/dx Σ c ⊙ T(x) against central differences.
  const c = tf.randomNormal([3, H, W, 3], 0, 1, 'float32', 3);
  const f = (x: tf.Tensor) => tf.sum(tf.mul(c, applyAugment(x as tf.Tensor4D, pa)));
  const g = tf.grad(f)(a).dataSync();
  assert.ok(Array.from(g).some((v) => Math.abs(v) > 1e-3), 'gradient flows');
  const base = a.dataSync();
  for (const idx of [5, 100, 333, 500]) {
    const bump = (d: number) => {
      const arr = Float32Array.from(base);
      arr[idx] += d;
      return f(tf.tensor4d(arr, a.shape)).dataSync()[0];
    };
    const fd = (bump(0.01) - bump(-0.01)) / 0.02;
    assert.ok(Math.abs(fd - g[idx]) < 2e-3 * Math.max(1, Math.abs(fd)), `index ${idx}: grad ${g[idx]} vs ${fd}`);
  }
  const same = diffAugment(a, policy, new Rng(7));
  assert.ok(tf.max(tf.abs(tf.sub(same, applyAugment(a, pa)))).dataSync()[0] === 0);
});

test('the D step scores D(T(x)) and D(T(G(z))) with T drawn from the augment stream', () => {
  const mnist = mnistDataset();
  const v = buildGan(config({ data: 'mnist', model: 'mlp', hidden: [8], batchSize: 4, seed: 1, options: { diffAugment: ['translation', 'cutout'] } }, mnist), mnist);
  const ctx = contextFor(mnist, 4, 0, 1);
  const real = tf.tensor4d(mnist.sample(4, ctx.rng(STREAM.data, 0)).x, [4, 28, 28, 1]);
  const z = tf.tensor2d(ctx.rng(STREAM.latent, 0).normals(4 * v.latentDim), [4, v.latentDim]);
  const fake = v.generate(z) as tf.Tensor4D;
  const rOut = v.discriminate(diffAugment(real, ['translation', 'cutout'], ctx.rng(STREAM.augment, 0))).dataSync();
  const fOut = v.discriminate(diffAugment(fake, ['translation', 'cutout'], ctx.rng(STREAM.augment, 1))).dataSync();
  const softplus = (t: number) => Math.log1p(Math.exp(t));
  const expected = Array.from(rOut).reduce((s, t) => s + softplus(-t), 0) / 4 + Array.from(fOut).reduce((s, t) => s + softplus(t), 0) / 4;
  const plainReal = v.discriminate(real).dataSync();
  const logs = v.trainIteration(ctx);
  assert.ok(Math.abs(logs.d_loss - expected) < 1e-4, `d_loss ${logs.d_loss} vs ${expected}`);
  assert.notDeepEqual(Array.from(plainReal), Array.from(rOut), 'the augmentation changed what D saw');
  v.dispose();
});

test('DiffAugment on 2D points is refused', () => {
  const points = ring8();
  assert.throws(() => buildGan(config({ data: 'ring8', model: 'mlp', options: { diffAugment: ['translation'] } }, points), points), /augments images, but the data are 2D points/);
});
