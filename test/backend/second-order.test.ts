/**
 * Gradients of gradients through the ops whose TF.js gradient used the op's saved output
 * (tanh, sigmoid, exp, softmax): what a gradient penalty (WGAN-GP, R1) differentiates. With
 * the output saved, the engine dropped the path through it and these came out wrong
 * (tanh: 1.44 where the derivative is 0.43); src/backend/gradients.ts saves the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';

const ACTIVATIONS = {
  tanh: { op: tf.tanh, slope: (v: number) => 1 - Math.tanh(v) ** 2 },
  sigmoid: { op: tf.sigmoid, slope: (v: number) => { const s = 1 / (1 + Math.exp(-v)); return s * (1 - s); } },
  exp: { op: tf.exp, slope: (v: number) => Math.exp(v) },
};

// A one-unit critic D(x) = v * f(w * x); its penalty P(w) = (dD/dx)^2 = (v * w * f'(w * x))^2.
const x0 = 0.7, v = 1.3;

for (const backend of ['cpu', 'native'] as const) {
  test(`${backend}: d/dw of a gradient penalty through tanh, sigmoid, exp and softmax matches the closed form`, async (t) => {
    // as the native tests: skipped only when GANKIT_NO_NATIVE=1 says so, never because the
    // addon is missing where it should have been built
    if (backend === 'native' && process.env.GANKIT_NO_NATIVE === '1') {
      t.skip('GANKIT_NO_NATIVE=1');
      return;
    }
    await initBackend(backend);
    assert.equal(tf.getBackend(), backend);
    for (const [name, { op, slope }] of Object.entries(ACTIVATIONS)) {
      for (const w of [0.9, -0.4, 2.1]) {
        const penalty = (wt: tf.Tensor) => {
          const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(v, op(tf.mul(wt, x)))))(tf.scalar(x0));
          return tf.sum(tf.square(g));
        };
        const before = tf.memory().numTensors;
        const got = tf.tidy(() => tf.grad(penalty)(tf.scalar(w)).dataSync()[0]);
        assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
        // the closed form, differentiated in float64 by central differences
        const P = (wv: number) => (v * wv * slope(wv * x0)) ** 2;
        const h = 1e-6, want = (P(w + h) - P(w - h)) / (2 * h);
        assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${backend} ${name} at w=${w}: ${got}, expected ${want}`);
      }
    }
    // softmax (self-attention): D(x) = Σ v_i softmax(w x)_i over a vector x, so
    // dD/dx_j = w s_j (v_j − Σ_i v_i s_i) and P(w) = Σ_j (dD/dx_j)²
    const xs = [0.3, -0.8, 1.1], vs = [1.0, -0.5, 2.0];
    for (const w of [0.9, -1.7]) {
      const penalty = (wt: tf.Tensor) => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.tensor1d(vs), tf.softmax(tf.mul(wt, x)))))(tf.tensor1d(xs));
        return tf.sum(tf.square(g));
      };
      const got = tf.tidy(() => tf.grad(penalty)(tf.scalar(w)).dataSync()[0]);
      const P = (wv: number) => {
        const e = xs.map((x) => Math.exp(wv * x)), z = e.reduce((a, b) => a + b, 0), s = e.map((u) => u / z);
        const mean = s.reduce((a, si, i) => a + si * vs[i], 0);
        return s.reduce((a, sj, j) => a + (wv * sj * (vs[j] - mean)) ** 2, 0);
      };
      const h = 1e-6, want = (P(w + h) - P(w - h)) / (2 * h);
      assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${backend} softmax at w=${w}: ${got}, expected ${want}`);
    }
  });
}
