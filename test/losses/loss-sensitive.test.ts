import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { lossSensitiveCritic, lossSensitiveGenerator, margin } from '../../src/losses/loss-sensitive.js';

await initBackend('cpu');

const softplus = (x: number) => Math.log1p(Math.exp(x));

test('margin Δ: mean |x − G(z)| (l1) or RMS (l2) per pair, times the scale', () => {
  const real = tf.tensor2d([[0, 0], [1, 1]]);
  const fake = tf.tensor2d([[3, -1], [1, 4]]);
  assert.deepEqual(Array.from(margin(real, fake, 'l1', 2).dataSync()), [4, 3]);
  const l2 = margin(real, fake, 'l2').dataSync();
  assert.ok(Math.abs(l2[0] - Math.sqrt(5)) < 1e-5 && Math.abs(l2[1] - Math.sqrt(4.5)) < 1e-5);
});

test('Qi\'s objective on fixed outputs: E L(x) + λ E(Δ + L(x) − L(G(z)))₊ with L = softplus(D)', () => {
  const r = [0.5, -1, 2];
  const f = [1, 3, -0.5];
  const delta = [0.2, 0.4, 1];
  const lambda = 0.7;
  const got = lossSensitiveCritic(tf.tensor1d(r), tf.tensor1d(f), tf.tensor1d(delta), lambda).dataSync()[0];
  const lr = r.map(softplus);
  const lf = f.map(softplus);
  const expected = lr.reduce((a, b) => a + b, 0) / 3 + (lambda * lr.reduce((s, l, i) => s + Math.max(0, delta[i] + l - lf[i]), 0)) / 3;
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
  // The second pair meets its margin (L(G(z)) − L(x) = 2.74 > 0.4): it adds no slack.
  assert.ok(delta[1] + lr[1] - lf[1] < 0);
  assert.ok(Math.abs(lossSensitiveGenerator(tf.tensor1d(f)).dataSync()[0] - lf.reduce((a, b) => a + b, 0) / 3) < 1e-6);
});

test('a pair whose margin is met gets no gradient from the slack term; one that violates it does', () => {
  const delta = tf.tensor1d([0.1]);
  const g = (fakeOut: number) =>
    tf.grad((f: tf.Tensor) => lossSensitiveCritic(tf.tensor1d([0]), f, delta, 1))(tf.tensor1d([fakeOut])).dataSync()[0];
  assert.equal(Math.abs(g(5)), 0); // L(G(z)) ≫ L(x) + Δ
  assert.ok(g(-5) < 0, 'a violated margin pushes L(G(z)) up');
});
