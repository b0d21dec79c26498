import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { minimax, nonSaturating, wasserstein, leastSquares, hinge, lossByName } from '../../src/losses/index.js';

await initBackend('cpu');

// Fixed raw discriminator outputs (logits or critic scores).
const REAL = [2.0, -0.5, 0.3, 1.2];
const FAKE = [-1.0, 0.4, -2.2, 0.0];
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const value = (t: tf.Scalar) => t.dataSync()[0];
const close = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) < 1e-5, `${msg}: ${a} vs ${b}`);

function run(loss: ReturnType<typeof lossByName>) {
  return tf.tidy(() => {
    const r = tf.tensor1d(REAL);
    const f = tf.tensor1d(FAKE);
    return { d: value(loss.discriminator(r, f)), g: value(loss.generator(f)) };
  });
}

test('minimax: D = −E log D(x) − E log(1 − D(G(z))), G = E log(1 − D(G(z)))', () => {
  const { d, g } = run(minimax());
  close(d, -mean(REAL.map((x) => Math.log(sigmoid(x)))) - mean(FAKE.map((x) => Math.log(1 - sigmoid(x)))), 'D');
  close(g, mean(FAKE.map((x) => Math.log(1 - sigmoid(x)))), 'G');
});

test('non-saturating: same D, G = −E log D(G(z))', () => {
  const { d, g } = run(nonSaturating());
  close(d, run(minimax()).d, 'D');
  close(g, -mean(FAKE.map((x) => Math.log(sigmoid(x)))), 'G');
});

test('one-sided label smoothing: real target 0.9, fake target stays 0', () => {
  const { d } = run(nonSaturating({ realLabel: 0.9 }));
  const bce = (x: number, t: number) => -(t * Math.log(sigmoid(x)) + (1 - t) * Math.log(1 - sigmoid(x)));
  close(d, mean(REAL.map((x) => bce(x, 0.9))) + mean(FAKE.map((x) => bce(x, 0))), 'D');
  assert.ok(d > run(nonSaturating()).d - 10, 'finite');
});

test('the saturating generator loss has a vanishing gradient where D rejects fakes; non-saturating does not', () => {
  const grad = (loss: ReturnType<typeof lossByName>) =>
    tf.tidy(() => tf.grad((f: tf.Tensor) => loss.generator(f))(tf.tensor1d([-8])).dataSync()[0]);
  assert.ok(Math.abs(grad(minimax())) < 1e-3, 'minimax saturates at logit −8');
  assert.ok(Math.abs(grad(nonSaturating())) > 0.9, 'non-saturating keeps a strong gradient');
});

test('wasserstein: critic E f(G(z)) − E f(x), generator −E f(G(z))', () => {
  const { d, g } = run(wasserstein());
  close(d, mean(FAKE) - mean(REAL), 'D');
  close(g, -mean(FAKE), 'G');
});

test('least squares (LSGAN): ½E(D(x)−1)² + ½E D(G(z))², G ½E(D(G(z))−1)²', () => {
  const { d, g } = run(leastSquares());
  close(d, 0.5 * mean(REAL.map((x) => (x - 1) ** 2)) + 0.5 * mean(FAKE.map((x) => x ** 2)), 'D');
  close(g, 0.5 * mean(FAKE.map((x) => (x - 1) ** 2)), 'G');
});

test('hinge: E max(0, 1 − D(x)) + E max(0, 1 + D(G(z))), G −E D(G(z))', () => {
  const { d, g } = run(hinge());
  close(d, mean(REAL.map((x) => Math.max(0, 1 - x))) + mean(FAKE.map((x) => Math.max(0, 1 + x))), 'D');
  close(g, -mean(FAKE), 'G');
});

test('the loss with the optimal discriminator equals −log 4 + 2·JS (Goodfellow Thm 1), here on two discrete distributions', () => {
  // p_data and p_g on 3 points; D* = p_data / (p_data + p_g); expected value under each.
  const pd = [0.5, 0.3, 0.2];
  const pg = [0.2, 0.2, 0.6];
  const dStar = pd.map((p, i) => p / (p + pg[i]));
  const c = pd.reduce((s, p, i) => s + p * Math.log(dStar[i]) + pg[i] * Math.log(1 - dStar[i]), 0);
  const m = pd.map((p, i) => (p + pg[i]) / 2);
  const kl = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * Math.log(x / b[i]), 0);
  const js = 0.5 * kl(pd, m) + 0.5 * kl(pg, m);
  close(c, -Math.log(4) + 2 * js, 'C(G)');
});
