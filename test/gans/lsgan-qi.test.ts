import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { createVariant } from '../../src/gans/index.js';
import { STREAM } from '../../src/gans/types.js';
import '../../src/gans/all.js';
import { ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { config, contextFor, samplePoints, train } from './helpers.js';

await initBackend('wasm');

const data = ring8();
const base = { variant: 'lsgan-qi', data: 'ring8', model: 'mlp' as const, hidden: [32, 32], batchSize: 64, seed: 4 };
const softplus = (x: number) => Math.log1p(Math.exp(x));

test('the D step minimises E L(x) + λ E(Δ(x, G(z)) + L(x) − L(G(z)))₊ + decay/2·Σθ², pairing x_i with G(z_i)', () => {
  const v = createVariant(config({ ...base, options: { slackWeight: 2, marginScale: 3, weightDecay: 1e-3 } }, data), data);
  assert.equal(v.name, 'lsgan-qi');
  const ctx = contextFor(data, 64, 0, 4);
  const real = tf.tensor2d(data.sample(64, ctx.rng(STREAM.data, 0)).x, [64, 2]);
  const z = tf.tensor2d(ctx.rng(STREAM.latent, 0).normals(128), [64, 2]);
  const fake = v.generate(z);
  const lr = Array.from(v.discriminate(real).dataSync(), softplus);
  const lf = Array.from(v.discriminate(fake).dataSync(), softplus);
  const xr = real.dataSync();
  const xf = fake.dataSync();
  let slack = 0;
  for (let i = 0; i < 64; i++) {
    const delta = 3 * ((Math.abs(xr[2 * i] - xf[2 * i]) + Math.abs(xr[2 * i + 1] - xf[2 * i + 1])) / 2);
    slack += Math.max(0, delta + lr[i] - lf[i]);
  }
  const sumSquares = v.models().discriminator.trainableWeights.reduce((s, w) => s + Array.from(w.read().dataSync()).reduce((a, b) => a + b * b, 0), 0);
  const expected = lr.reduce((a, b) => a + b, 0) / 64 + (2 * slack) / 64 + (1e-3 / 2) * sumSquares;
  const logs = v.trainIteration(ctx);
  assert.ok(Math.abs(logs.d_loss - expected) < 1e-4 * Math.max(1, expected), `d_loss ${logs.d_loss} vs ${expected}`);
  tf.dispose([real, z, fake]);
  v.dispose();
});

/** Share of pairs (x_i, G(z_i)) whose margin is met, L(G(z)) ≥ L(x) + Δ(x, G(z)), and the mean violation. */
function marginMet(v: ReturnType<typeof createVariant>, n: number): { met: number; slack: number } {
  return tf.tidy(() => {
    const real = tf.tensor2d(data.sample(n, new Rng(8)).x, [n, 2]);
    const fake = v.generate(tf.tensor2d(new Rng(9).normals(2 * n), [n, 2]));
    const lr = tf.softplus(v.discriminate(real)).dataSync();
    const lf = tf.softplus(v.discriminate(fake)).dataSync();
    const d = tf.mean(tf.abs(tf.sub(real, fake)), 1).dataSync();
    let met = 0;
    let slack = 0;
    for (let i = 0; i < n; i++) {
      if (lf[i] >= lr[i] + d[i]) met++;
      slack += Math.max(0, lr[i] + d[i] - lf[i]);
    }
    return { met: met / n, slack: slack / n };
  });
}

test('with G held still, L learns to be loss-sensitive: generated samples score at least Δ(x, G(z)) above real ones', () => {
  const frozenG = { ...base, optimizerG: { type: 'sgd' as const, learningRate: 1e-12 } };
  const v = createVariant(config(frozenG, data), data);
  const before = marginMet(v, 500);
  train(v, data, 64, 0, 300, 4);
  const after = marginMet(v, 500);
  console.log(`pairs meeting the margin: ${before.met} → ${after.met}; mean violation ${before.slack.toFixed(3)} → ${after.slack.toFixed(3)}`);
  assert.ok(before.met < 0.2 && after.met > 0.8, `pairs meeting the margin ${before.met} → ${after.met}`);
  assert.ok(after.slack < 0.1 * before.slack, `mean violation ${before.slack} → ${after.slack}`);
  v.dispose();
});

test('with R1 as the Lipschitz regulariser (Qi: penalise ‖∇L‖), G moves onto the ring and training does not leak', () => {
  const v = createVariant(config({ ...base, options: { r1Gamma: 1 } }, data), data);
  const ringError = (pts: Float32Array) => {
    let s = 0;
    for (let i = 0; i < pts.length / 2; i++) s += Math.abs(Math.hypot(pts[2 * i], pts[2 * i + 1]) - 1);
    return s / (pts.length / 2);
  };
  const before = ringError(samplePoints(v, 500));
  train(v, data, 64, 0, 300, 4);
  const n = tf.memory().numTensors;
  train(v, data, 64, 300, 400, 4);
  assert.equal(tf.memory().numTensors, n, 'no tensor leak');
  const after = ringError(samplePoints(v, 500));
  console.log(`mean |‖G(z)‖ − 1|: ${before.toFixed(3)} → ${after.toFixed(3)}`);
  // Seeds 1–5 at 400 steps (the trainer's own seeding): after/before 0.52–0.67, one seed 0.99.
  assert.ok(after < 0.75 * before, `ring error ${before} → ${after}`);
  v.dispose();
});

test('its options are validated, and stabiliser typos are caught', () => {
  assert.throws(() => createVariant(config({ ...base, options: { margin: 'l3' } }, data), data), (e: Error) => e instanceof ConfigError && /options.margin/.test(e.message));
  assert.throws(() => createVariant(config({ ...base, options: { slackweight: 1 } }, data), data), /unknown option 'slackweight'/);
  const v = createVariant(config({ ...base, options: { emaDecay: 0.9, slackWeight: 1 } }, data), data);
  assert.ok('generator_ema' in v.models());
  v.dispose();
});
