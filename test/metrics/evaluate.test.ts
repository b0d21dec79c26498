import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluateArrays } from '../../src/metrics/index.js';
import { grid25 } from '../../src/data/mixtures.js';
import { loadBundledDigits } from '../../src/data/mnist.js';
import { Rng } from '../../src/train/rng.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('[N, 2] points: W1, sliced W1, KDE JS and feature metrics; real beats a collapsed set', async () => {
  const data = grid25();
  const rng = new Rng(1);
  const real = { shape: [400, 2], data: data.sample(400, rng).x };
  const fake = { shape: [300, 2], data: data.sample(300, rng).x };
  const collapsed = { shape: [300, 2], data: Float32Array.from(rng.normals(600, 0.05)) };
  const good = await evaluateArrays(real, fake, { kidSubsets: 5 });
  const bad = await evaluateArrays(real, collapsed, { kidSubsets: 5 });
  assert.equal(good.kind, 'points');
  assert.equal(bad.kind, 'points');
  if (good.kind !== 'points' || bad.kind !== 'points') return;
  assert.equal(good.wasserstein.n, 300);
  assert.ok(good.warnings.some((w) => /subsets of 300/.test(w)));
  assert.ok(good.wasserstein.value < bad.wasserstein.value / 3, `${good.wasserstein.value} vs ${bad.wasserstein.value}`);
  assert.ok(good.slicedWasserstein.value < bad.slicedWasserstein.value / 3);
  assert.ok(good.kdeJS !== null && bad.kdeJS !== null);
  assert.ok(good.kdeJS.value < 0.05 && bad.kdeJS.value > 0.3, `JS ${good.kdeJS.value} vs ${bad.kdeJS.value}`);
  assert.ok(good.features.densityCoverage.coverage > bad.features.densityCoverage.coverage);
});

test('[N, 28, 28, 1] images go through the classifier; other shapes through raw pixels with a statement', async () => {
  const { images } = loadBundledDigits();
  const mnist = await evaluateArrays({ shape: [60, 28, 28, 1], data: images.subarray(0, 60 * 784) }, { shape: [60, 28, 28, 1], data: images.subarray(60 * 784, 120 * 784) }, { kidSubsets: 2 });
  assert.equal(mnist.kind, 'mnist');
  if (mnist.kind === 'mnist') assert.ok(mnist.warnings.some((w) => /2 × feature size/.test(w)));
  const rng = new Rng(2);
  const small = await evaluateArrays({ shape: [40, 4, 4, 3], data: rng.uniforms(40 * 48) }, { shape: [40, 4, 4, 3], data: rng.uniforms(40 * 48) }, { kidSubsets: 2 });
  assert.equal(small.kind, 'images');
  assert.ok(small.warnings[0].includes('only knows 28×28 grey'));
});

test('mismatched or malformed shapes are refused with a message', async () => {
  await assert.rejects(evaluateArrays({ shape: [4, 2], data: new Float32Array(8) }, { shape: [4, 3], data: new Float32Array(12) }), /same shape apart from N/);
  await assert.rejects(evaluateArrays({ shape: [4, 2], data: new Float32Array(7) }, { shape: [4, 2], data: new Float32Array(8) }), /needs 8 numbers/);
  await assert.rejects(evaluateArrays({ shape: [4], data: new Float32Array(4) }, { shape: [4], data: new Float32Array(4) }), /points \[N, D\]/);
});
