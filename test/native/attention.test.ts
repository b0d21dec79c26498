/**
 * Self-attention on the native backend (q and k in one product, the map from
 * GankitAttentionSoftmax) gives the cpu backend's output and gradients, first and second
 * order, and the values of the unmerged formula (three products, softmax of the scores).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SelfAttention2D } from '../../src/nn/self-attention.js';
import { ATTENTION_SOFTMAX, ATTENTION_APPLY_BACKWARD } from '../../src/native/attention.js';
import { NATIVE_DISABLED, Rng, assertClose, requireNative } from './helpers.js';

const rng = new Rng(23);

interface Case { shape: [number, number, number, number]; x: Float32Array; weights: Float32Array[]; w: Float32Array }

function makeCase(shape: [number, number, number, number]): Case {
  const [n, h, w, c] = shape, ck = Math.max(1, Math.floor(c / 8));
  const size = n * h * w * c;
  return {
    shape,
    x: rng.uniforms(size, -1, 1),
    // query, key, value kernels and γ (≠ 0, so the attention path counts)
    weights: [rng.uniforms(c * ck, -0.5, 0.5), rng.uniforms(c * ck, -0.5, 0.5), rng.uniforms(c * c, -0.5, 0.5), Float32Array.of(0.7)],
    w: rng.uniforms(size, -1, 1),
  };
}

/** The layer's output, d(Σ w·y) by x and by each weight, and a penalty's d/dx, on `backend`. */
async function run(backend: string, k: Case, secondOrder: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const [, h, w, c] = k.shape, ck = Math.max(1, Math.floor(c / 8));
  const model = tfl.sequential({ layers: [new SelfAttention2D({ inputShape: [h, w, c] })] });
  model.setWeights([tf.tensor(k.weights[0], [c, ck]), tf.tensor(k.weights[1], [c, ck]), tf.tensor(k.weights[2], [c, c]), tf.tensor(k.weights[3], [1])]);
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.tensor(k.x, k.shape), wt = tf.tensor(k.w, k.shape);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(model.apply(v, { training: true }) as tf.Tensor, wt));
    const y = model.apply(x, { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => f(x) as tf.Scalar, model.trainableWeights.map((v) => v.read() as tf.Variable));
    const dx = tf.grad(f)(x);
    const res = [y, dx, ...Object.values(grads)];
    // a gradient penalty's gradients, as WGAN-GP and R1 take them: of ‖d(Σ w·y)/dx‖² by x
    // and by each weight
    if (secondOrder) {
      const penalty = () => tf.sum(tf.square(tf.grad(f)(x))) as tf.Scalar;
      res.push(tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad(f)(v))))(x));
      res.push(...Object.values(tf.variableGrads(penalty, model.trainableWeights.map((v) => v.read() as tf.Variable)).grads));
    }
    return res;
  });
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  model.dispose();
  return data;
}

/** The formula before q, k and v were merged: three products, softmax of the scores. */
function unmerged(k: Case): Float32Array {
  return tf.tidy(() => {
    const [n, h, w, c] = k.shape, ck = Math.max(1, Math.floor(c / 8));
    const flat = tf.reshape(tf.tensor(k.x, k.shape), [n * h * w, c]) as tf.Tensor2D;
    const proj = (v: Float32Array, out: number) => tf.reshape(tf.matMul(flat, tf.tensor2d(v, [c, out])), [n, h * w, out]) as tf.Tensor3D;
    const f = proj(k.weights[0], ck), g = proj(k.weights[1], ck), v = proj(k.weights[2], c);
    const o = tf.reshape(tf.matMul(tf.softmax(tf.matMul(g, f, false, true)), v), k.shape);
    return tf.add(tf.mul(k.weights[3][0], o), tf.tensor(k.x, k.shape)).dataSync() as Float32Array;
  });
}

describe('native self-attention', { skip: NATIVE_DISABLED }, () => {
  // 14 × 14 positions: SAGAN-MNIST's map, rows of 196
  // (a batch of 1, fewer images than threads: rows split between them)
  for (const shape of [[2, 3, 5, 16], [1, 6, 6, 16], [3, 14, 14, 16]] as [number, number, number, number][]) {
    it(`[${shape}]: output and gradients match cpu and the unmerged formula`, async () => {
      requireNative();
      const k = makeCase(shape);
      const want = await run('cpu', k, false);
      const got = await run('native', k, false);
      const names = ['output', 'd/dx', 'd/d query', 'd/d key', 'd/d value', 'd/d γ'];
      for (let i = 0; i < want.length; i++) {
        let scale = 1;
        for (const v of want[i]) scale = Math.max(scale, Math.abs(v));
        assertClose(got[i], want[i], 1e-4, 1e-5 * scale, `[${shape}] ${names[i]}`);
      }
      await tf.setBackend('cpu');
      assertClose(want[0], unmerged(k), 1e-5, 1e-6, `[${shape}] merged projections (cpu)`);
      await tf.setBackend('native');
      assertClose(got[0], unmerged(k), 1e-5, 1e-6, `[${shape}] merged projections (native)`);
    });
  }

  it('second order (a penalty through the attention) matches cpu', async () => {
    requireNative();
    const k = makeCase([2, 4, 4, 16]);
    const want = await run('cpu', k, true);
    const got = await run('native', k, true);
    const names = ['x', 'query', 'key', 'value', 'γ'];
    for (let i = 6; i < want.length; i++) {
      let scale = 1e-3;
      for (const v of want[i]) scale = Math.max(scale, Math.abs(v));
      assertClose(got[i], want[i], 1e-3, 1e-5 * scale, `penalty by ${names[i - 6]}`);
    }
  });

  it('runs the map and its gradient as the attention kernels on native, no Softmax', async () => {
    requireNative();
    await tf.setBackend('native');
    const model = tfl.sequential({ layers: [new SelfAttention2D({ inputShape: [4, 4, 16] })] });
    const x = tf.randomNormal([2, 4, 4, 16]);
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(model.apply(v, { training: true }) as tf.Tensor))(x));
    const names = info.kernelNames;
    assert.ok(names.includes(ATTENTION_SOFTMAX) && names.includes(ATTENTION_APPLY_BACKWARD), `kernels: ${names.join(', ')}`);
    assert.ok(!names.includes('Softmax'), `kernels: ${names.join(', ')}`);
    tf.dispose([x, info.result as tf.Tensor]);
    model.dispose();
  });
});
