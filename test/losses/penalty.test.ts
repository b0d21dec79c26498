import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { gradientPenalty, r1Penalty } from '../../src/losses/index.js';
import { initializeWeights } from '../../src/nets/index.js';
import { Rng } from '../../src/train/rng.js';

await initBackend('cpu');

function smallCritic(act: 'leaky' | 'relu'): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 8, inputShape: [3] }));
  m.add(act === 'leaky' ? tfl.layers.leakyReLU({ alpha: 0.2 }) : tfl.layers.reLU());
  m.add(tfl.layers.dense({ units: 1 }));
  initializeWeights(m, 3, 1);
  return m;
}

test('gradient penalty on a linear critic f(x)=w·x is (‖w‖ − 1)², whatever the interpolation', () => {
  const w = [0.5, -2, 1];
  const critic = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, tf.tensor2d(w, [3, 1]));
  const gp = tf.tidy(() => gradientPenalty(critic, tf.randomNormal([5, 3], 0, 1, 'float32', 1), tf.randomNormal([5, 3], 0, 1, 'float32', 2), tf.tensor1d([0.1, 0.5, 0.9, 0.3, 0.7])).dataSync()[0]);
  const norm = Math.hypot(...w);
  assert.ok(Math.abs(gp - (norm - 1) ** 2) < 1e-5, `${gp} vs ${(norm - 1) ** 2}`);
});

test('R1 on a linear critic is ‖w‖²', () => {
  const w = [0.5, -2, 1];
  const critic = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, tf.tensor2d(w, [3, 1]));
  const r1 = tf.tidy(() => r1Penalty(critic, tf.randomNormal([4, 3], 0, 1, 'float32', 3)).dataSync()[0]);
  assert.ok(Math.abs(r1 - 5.25) < 1e-5, String(r1));
});

for (const act of ['leaky', 'relu'] as const) {
  test(`the gradient of the gradient penalty w.r.t. critic weights matches finite differences (${act})`, () => {
    const model = smallCritic(act);
    const critic = (x: tf.Tensor) => model.apply(x) as tf.Tensor;
    const rng = new Rng(7);
    const real = tf.tensor2d(rng.normals(6 * 3), [6, 3]);
    const fake = tf.tensor2d(rng.normals(6 * 3), [6, 3]);
    const eps = tf.tensor1d(rng.uniforms(6));
    const kernel = model.trainableWeights[0].read() as tf.Variable;
    const penalty = () => gradientPenalty(critic, real, fake, eps);
    const { grads } = tf.variableGrads(penalty, [kernel]);
    const analytic = grads[kernel.name].dataSync();
    const base = kernel.dataSync().slice();
    const h = 1e-2;
    let maxErr = 0;
    let maxAbs = 0;
    for (const i of [0, 5, 11, 17, 23]) {
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        kernel.assign(tf.tensor(v, kernel.shape));
        return tf.tidy(() => penalty().dataSync()[0]);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      kernel.assign(tf.tensor(base, kernel.shape));
      maxErr = Math.max(maxErr, Math.abs(numeric - analytic[i]));
      maxAbs = Math.max(maxAbs, Math.abs(analytic[i]));
    }
    assert.ok(maxAbs > 1e-4, 'the gradient is not trivially zero');
    assert.ok(maxErr < 2e-3 * Math.max(1, maxAbs), `max error ${maxErr} (gradient scale ${maxAbs})`);
    tf.dispose([real, fake, eps, ...Object.values(grads)]);
  });
}
