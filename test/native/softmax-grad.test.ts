/**
 * Softmax and its one-kernel gradient on the native backend give the cpu backend's values,
 * first and second order, and the gradient runs as GankitSoftmaxGrad.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD, softmaxGrad } from '../../src/native/softmax-grad.js';
import { NATIVE_DISABLED, Rng, assertClose, compare, input, requireNative, runOn } from './helpers.js';

const rng = new Rng(11);
// rows of 1, 7 (shorter than a vector), 19, 40 (a vector and a tail) and 196 (an attention map's)
const SHAPES = [[5, 1], [3, 7], [37, 19], [2, 3, 40], [2, 196, 196]];

describe('native softmax gradient', { skip: NATIVE_DISABLED }, () => {
  const values = (shape: number[], lo: number, hi: number) => input(shape, rng.uniforms(shape.reduce((a, b) => a * b, 1), lo, hi));

  for (const shape of SHAPES) {
    it(`[${shape}]: softmax and its gradient match cpu`, async () => {
      requireNative();
      const x = values(shape, -4, 4), w = values(shape, -1, 1);
      await compare(`softmax [${shape}]`, [x], (xs) => tf.softmax(xs), 1e-5, 1e-7);
      await compare(`softmax grad [${shape}]`, [x, w], (xs, ws) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.softmax(v), ws)))(xs), 1e-4, 1e-6);
    });
  }

  it('second order (gradient of a gradient norm, as under a penalty) matches cpu', async () => {
    requireNative();
    const shape = [6, 23];
    const x = values(shape, -2, 2), w = values(shape, -1, 1);
    await compare('softmax grad of grad', [x, w], (xs, ws) =>
      tf.grad((v: tf.Tensor) => {
        const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.softmax(tf.mul(u, ws)), ws)))(v);
        return tf.sum(tf.square(g));
      })(xs), 1e-4, 1e-6);
  });

  it("the kernel's own gradient is the derivative of dy·y − Σ(dy·y)·y, y = softmax(x)", async () => {
    requireNative();
    const shape = [9, 21];
    const inputs = [values(shape, -1, 1), values(shape, -3, 3), values(shape, -1, 1)];
    // on native through the kernel (y given, its own gradient zero: all of it reaches x
    // through the logits); on cpu through the formula composed from TF.js ops
    const [got, want] = [
      await runOn('native', inputs, (dy, x, w) => tf.grads((g: tf.Tensor, v: tf.Tensor) =>
        tf.sum(tf.mul(softmaxGrad(g, tf.softmax(v), v), w)))([dy, x])),
      await runOn('cpu', inputs, (dy, x, w) => tf.grads((g: tf.Tensor, v: tf.Tensor) => {
        const y = tf.softmax(v);
        const t = tf.mul(g, y);
        return tf.sum(tf.mul(tf.sub(t, tf.mul(tf.sum(t, -1, true), y)), w));
      })([dy, x])),
    ];
    for (let i = 0; i < 2; i++) assertClose(got[i].data, want[i].data, 1e-4, 1e-6, `input ${i}`);
  });

  it('runs as one kernel on native, softmax not recomputed outside it', async () => {
    requireNative();
    await tf.setBackend('native');
    const v = tf.randomNormal([4, 16, 16]);
    const w = tf.randomNormal([4, 16, 16]);
    const info = await tf.profile(() => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.softmax(u), w)))(v));
    const names = info.kernelNames;
    assert.ok(names.includes(SOFTMAX_GRAD), `kernels: ${names.join(', ')}`);
    assert.equal(names.filter((n) => n === 'Softmax').length, 1, `kernels: ${names.join(', ')}`);
    assert.ok(!names.includes('Sub'), `kernels: ${names.join(', ')}`);
    tf.dispose([v, w, info.result as tf.Tensor]);
  });
});
