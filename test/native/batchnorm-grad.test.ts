/**
 * FusedBatchNorm's gradient on native (one GankitBatchNormGrad kernel) against TF.js's own
 * gradient on cpu: training-mode batch norm as tfjs-layers builds it (moments, then
 * batchNorm), 2-D and 4-D; and second order (a gradient
 * penalty through batch norm), where the composite form must still be used.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

const rng = new Rng(99);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  assert.ok(worst <= tol, `${what}: worst relative difference ${worst}`);
}

/** Training-mode batch norm over all axes but the last, as tfjs-layers computes it. */
function bn(x: tf.Tensor, gamma: tf.Tensor | undefined, beta: tf.Tensor | undefined): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
}

async function grads(backend: string, shape: number[], xv: Float32Array, wv: Float32Array, gv: Float32Array, bv: Float32Array, affine: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const ch = shape[shape.length - 1];
  const x = tf.tensor(xv, shape), w = tf.tensor(wv, shape);
  const gamma = tf.tensor1d(gv), beta = tf.tensor1d(bv);
  // With both scale and offset only: without either, TF.js's own gradient fails on every
  // backend (it records the missing tensor). Without `affine`, gamma and beta are constants.
  const out = affine
    ? tf.grads((xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.tanh(bn(xt, g, b)), w)))([x, gamma, beta])
    : [tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(tf.tanh(bn(xt, gamma, beta)), w)))(x)];
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...out, x, w, gamma, beta]);
  assert.equal(ch, gv.length);
  return data;
}

describe('native batch norm gradient', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(() => requireNative());

  for (const shape of [[64, 7, 7, 16], [32, 300], [3, 5, 5, 2]]) {
    for (const affine of [true, false]) {
      it(`matches cpu: ${shape.join('x')}, ${affine ? 'gradients for x, scale and offset' : 'gradient for x only'}`, async () => {
        const n = shape.reduce((p, q) => p * q, 1), ch = shape[shape.length - 1];
        const xv = rng.uniforms(n, -2, 3), wv = rng.uniforms(n, -1, 1), gv = rng.uniforms(ch, 0.5, 1.5), bv = rng.uniforms(ch, -0.5, 0.5);
        const cpu = await grads('cpu', shape, xv, wv, gv, bv, affine);
        const before = tf.engine().state.numTensors;
        const native = await grads('native', shape, xv, wv, gv, bv, affine);
        assert.equal(tf.engine().state.numTensors, before, 'tensors leaked');
        close(native[0], cpu[0], 1e-3, 'dx');
        if (affine) {
          close(native[1], cpu[1], 1e-3, 'dgamma');
          close(native[2], cpu[2], 1e-3, 'dbeta');
        }
      });
    }
  }

  it('the fused kernel runs in a plain backward pass, not under an outer tape (second order matches cpu)', async () => {
    const shape = [16, 8], n = 128;
    const xv = rng.uniforms(n, -1, 1), gv = rng.uniforms(8, 0.5, 1.5), bv = rng.uniforms(8, -0.5, 0.5);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor2d(xv, shape as [number, number]), gamma = tf.tensor1d(gv), beta = tf.tensor1d(bv);
      // d/dgamma of |d/dx sum(tanh(bn(x)))|²: differentiates the batch-norm gradient itself
      const g = tf.grad((gm: tf.Tensor) => {
        const dx = tf.grad((xt: tf.Tensor) => tf.sum(tf.tanh(bn(xt, gm, beta))))(x);
        return tf.sum(tf.square(dx));
      })(gamma);
      const v = g.dataSync() as Float32Array;
      tf.dispose([g, x, gamma, beta]);
      return v;
    };
    const calls: string[] = [];
    const kernel = tf.getKernel('GankitBatchNormGrad', 'native')!;
    const f = kernel.kernelFunc;
    // Under the outer tape (the inner backward pass) TF.js's composite gradient must run; the
    // outer backward pass itself records nothing, and goes back through the forward batch
    // norm (via tanh), so the fused kernel may run there.
    (kernel as { kernelFunc: typeof f }).kernelFunc = (args) => { calls.push(tf.engine().isTapeOn() ? 'taped' : 'plain'); return f(args); };
    try {
      const cpu = await run('cpu');
      const native = await run('native');
      close(native, cpu, 1e-3, 'second-order gradient');
      assert.ok(!calls.includes('taped'), 'the fused kernel ran under an outer tape');
      calls.length = 0;
      await grads('native', [8, 4], rng.uniforms(32), rng.uniforms(32), rng.uniforms(4), rng.uniforms(4), true);
      assert.ok(calls.length > 0, 'the fused kernel did not run in a plain backward pass');
    } finally {
      (kernel as { kernelFunc: typeof f }).kernelFunc = f;
    }
  });
});
