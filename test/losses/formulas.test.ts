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

test('bceWithLogits: value, its whole gradient (σ(x) − t)/n and a gradient of that gradient, as the closed forms give', async () => {
  const { bceWithLogits } = await import('../../src/losses/bce.js');
  const xs = [...REAL, ...FAKE, 30, -30];
  const n = xs.length;
  const bce = (x: number, t: number) => t * Math.log1p(Math.exp(-x)) + (1 - t) * Math.log1p(Math.exp(x));
  for (const t of [1, 0, 0.9]) {
    const x = tf.tensor1d(xs);
    close(value(bceWithLogits(x, t)), mean(xs.map((v) => bce(v, t))), `value, target ${t}`);
    // against TF.js's own loss and its op-by-op gradient
    const theirs = tf.grad((v: tf.Tensor) => tf.losses.sigmoidCrossEntropy(tf.fill([n], t), v))(x).dataSync();
    const g = tf.grad((v: tf.Tensor) => bceWithLogits(v, t))(x).dataSync();
    xs.forEach((v, i) => {
      close(g[i], (sigmoid(v) - t) / n, `gradient ${i}, target ${t}`);
      close(g[i], theirs[i], `gradient ${i} against tf.losses.sigmoidCrossEntropy, target ${t}`);
    });
    // d/dx_i of Σ_j g_j² = 2 g_i σ'(x_i) / n
    const gg = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => bceWithLogits(u, t))(v))))(x).dataSync();
    xs.forEach((v, i) => close(gg[i], (2 * ((sigmoid(v) - t) / n) * sigmoid(v) * (1 - sigmoid(v))) / n, `second order ${i}, target ${t}`));
    x.dispose();
  }
});

test('bceWithLogits runs as a handful of kernels, forward and backward (TF.js\'s loss took about forty)', async () => {
  const { bceWithLogits } = await import('../../src/losses/bce.js');
  const x = tf.tensor1d(REAL);
  // (tf.profile hands back the engine's one profile object: read it before the next)
  const ours = (await tf.profile(() => tf.grad((v: tf.Tensor) => bceWithLogits(v, 1))(x))).kernels.map((k) => k.name);
  const theirs = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.losses.sigmoidCrossEntropy(tf.onesLike(v), v))(x))).kernels.length;
  assert.ok(ours.length <= 12, `${ours.length} kernels: ${ours.join(' ')}`);
  assert.ok(theirs >= 3 * ours.length, `TF.js's: ${theirs}, ours: ${ours.length}`);
  x.dispose();
});
