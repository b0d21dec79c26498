import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { SelfAttention2D } from '../../src/nn/self-attention.js';
import { MinibatchStddev } from '../../src/nn/minibatch-stddev.js';
import { MinibatchDiscrimination } from '../../src/nn/minibatch-discrimination.js';
import { initializeWeights } from '../../src/nets/init.js';
import { Rng } from '../../src/train/rng.js';

await initBackend('wasm');

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

test('self-attention starts as the identity (γ = 0, also after gankit\'s seeded init) yet γ gets a gradient', () => {
  const model = tfl.sequential({ layers: [new SelfAttention2D({ inputShape: [3, 3, 8] })] });
  initializeWeights(model, 1, 100);
  const layer = model.layers[0] as SelfAttention2D;
  assert.equal(layer.gamma(), 0);
  const x = tf.randomNormal([2, 3, 3, 8], 0, 1, 'float32', 2);
  const y = model.apply(x, { training: true }) as tf.Tensor;
  assert.equal(maxAbsDiff(y.dataSync(), x.dataSync()), 0);
  const gammaVar = model.trainableWeights.find((w) => w.originalName.endsWith('attention_scale'))!.read() as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, [gammaVar]);
  assert.ok(Math.abs(Object.values(grads)[0].dataSync()[0]) > 1e-3, 'γ must be trainable from 0');
  tf.dispose([x, y, ...Object.values(grads)]);
  model.dispose();
});

test('self-attention with γ ≠ 0 computes γ·softmax(g fᵀ) h + x, checked against a JS reference', () => {
  const c = 8;
  const ck = 1;
  const model = tfl.sequential({ layers: [new SelfAttention2D({ inputShape: [2, 2, c] })] });
  const rng = new Rng(5);
  const wf = rng.normals(c * ck);
  const wg = rng.normals(c * ck);
  const wh = rng.normals(c * c);
  const gamma = 0.7;
  model.setWeights([tf.tensor(wf, [c, ck]), tf.tensor(wg, [c, ck]), tf.tensor(wh, [c, c]), tf.tensor([gamma])]);
  const xs = rng.normals(4 * c);
  const x = tf.tensor(xs, [1, 2, 2, c]);
  const y = (model.apply(x) as tf.Tensor).dataSync();
  const p = 4;
  const proj = (w: Float32Array, out: number) => Array.from({ length: p }, (_, i) => Array.from({ length: out }, (_, o) => {
    let s = 0;
    for (let k = 0; k < c; k++) s += xs[i * c + k] * w[k * out + o];
    return s;
  }));
  const f = proj(wf, ck);
  const g = proj(wg, ck);
  const h = proj(wh, c);
  const expected: number[] = [];
  for (let j = 0; j < p; j++) {
    const logits = Array.from({ length: p }, (_, i) => g[j].reduce((s, v, k) => s + v * f[i][k], 0));
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const z = e.reduce((a, b) => a + b, 0);
    for (let ch = 0; ch < c; ch++) {
      let o = 0;
      for (let i = 0; i < p; i++) o += (e[i] / z) * h[i][ch];
      expected.push(gamma * o + xs[j * c + ch]);
    }
  }
  assert.ok(maxAbsDiff(y, expected) < 1e-4, `max diff ${maxAbsDiff(y, expected)}`);
  x.dispose();
  model.dispose();
});

test('minibatch stddev appends the group-wise std averaged over features (Karras et al.)', () => {
  const layer = new MinibatchStddev({ groupSize: 2 });
  // 4 samples, 3 features; groups of 2: sample n pairs with n ± 2.
  const xs = [1, 2, 3, 5, 5, 5, 3, 4, 3, 5, 5, 9];
  const x = tf.tensor2d(xs, [4, 3]);
  const y = layer.apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, [4, 4]);
  const stat = (a: number, b: number) => {
    let s = 0;
    for (let k = 0; k < 3; k++) s += Math.sqrt(((xs[a * 3 + k] - xs[b * 3 + k]) / 2) ** 2 + 1e-8);
    return s / 3;
  };
  const out = y.dataSync();
  const expected = [stat(0, 2), stat(1, 3), stat(0, 2), stat(1, 3)];
  assert.ok(maxAbsDiff([out[3], out[7], out[11], out[15]], expected) < 1e-5, `${out} vs ${expected}`);
  assert.ok(Math.abs(expected[0] - 2 / 3) < 1e-3); // |1−3|/2, |2−4|/2, |3−3|/2 averaged
  // Images: one extra channel, constant over the map.
  const img = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 3);
  const yi = layer.apply(img) as tf.Tensor;
  assert.deepEqual(yi.shape, [4, 3, 3, 3]);
  tf.dispose([x, y, img, yi]);
});

test('minibatch discrimination: o(x_i)_b = Σ_{j≠i} exp(−‖M_i,b − M_j,b‖₁); collapsed batches score n − 1', () => {
  const kernels = 2;
  const kernelDim = 2;
  const model = tfl.sequential({ layers: [new MinibatchDiscrimination({ kernels, kernelDim, inputShape: [3] })] });
  const rng = new Rng(6);
  const t = rng.normals(3 * kernels * kernelDim);
  model.setWeights([tf.tensor(t, [3, kernels * kernelDim])]);
  const fs = rng.normals(4 * 3);
  const x = tf.tensor2d(fs, [4, 3]);
  const y = (model.apply(x) as tf.Tensor).dataSync();
  const M = Array.from({ length: 4 }, (_, i) => Array.from({ length: kernels * kernelDim }, (_, o) => [0, 1, 2].reduce((s, a) => s + fs[i * 3 + a] * t[a * kernels * kernelDim + o], 0)));
  for (let i = 0; i < 4; i++) {
    for (let b = 0; b < kernels; b++) {
      let o = 0;
      for (let j = 0; j < 4; j++) {
        if (j === i) continue;
        let l1 = 0;
        for (let cc = 0; cc < kernelDim; cc++) l1 += Math.abs(M[i][b * kernelDim + cc] - M[j][b * kernelDim + cc]);
        o += Math.exp(-l1);
      }
      assert.ok(Math.abs(y[i * 5 + 3 + b] - o) < 1e-5, `sample ${i} kernel ${b}: ${y[i * 5 + 3 + b]} vs ${o}`);
    }
    for (let a = 0; a < 3; a++) assert.equal(y[i * 5 + a], Math.fround(fs[i * 3 + a]));
  }
  const same = tf.tile(tf.tensor2d([[0.3, -1, 2]]), [4, 1]);
  const ys = (model.apply(same) as tf.Tensor).dataSync();
  assert.ok(Math.abs(ys[3] - 3) < 1e-6 && Math.abs(ys[4] - 3) < 1e-6);
  tf.dispose([x, same]);
  model.dispose();
});
