/**
 * The one-kernel activation gradients of the native backend give TF.js's gradients, first
 * and second order, and are the ones that run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATION_GRAD } from '../../src/native/activation-grads.js';
import { ActGrad } from '../../src/native/addon.js';
import { registerMissingGradients } from '../../src/backend/gradients.js';
import { NATIVE_DISABLED, Rng, assertClose, compare, input, requireNative } from './helpers.js';

// LeakyReLU's second order on cpu needs gankit's zero gradients for comparison ops.
registerMissingGradients();

const rng = new Rng(7);
const ACTS: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
  ['relu', (x) => tf.relu(x)],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.13)],
  ['tanh', (x) => tf.tanh(x)],
  ['sigmoid', (x) => tf.sigmoid(x)],
];

describe('native activation gradients', { skip: NATIVE_DISABLED }, () => {
  const shape = [37, 19];
  const n = shape[0] * shape[1];
  const x = () => input(shape, rng.uniforms(n, -2, 2));
  const w = () => input(shape, rng.uniforms(n, -1, 1));

  for (const [name, act] of ACTS) {
    it(`${name}: first order matches cpu`, async () => {
      requireNative();
      await compare(`${name} grad`, [x(), w()], (xs, ws) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(act(v), ws)))(xs));
    });

    // TF.js itself cannot take tanh's or sigmoid's second derivative (their gradients use
    // the saved output); those are checked on the kernel's own gradient below.
    if (name === 'tanh' || name === 'sigmoid') continue;
    it(`${name}: second order (gradient of a gradient norm, as in WGAN-GP) matches cpu`, async () => {
      requireNative();
      await compare(`${name} grad of grad`, [x(), w()], (xs, ws) =>
        tf.grad((v: tf.Tensor) => {
          const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(act(tf.mul(u, ws)), ws)))(v);
          return tf.sum(tf.square(g));
        })(xs));
    });
  }

  for (const [name, op] of [['tanh', ActGrad.Tanh], ['sigmoid', ActGrad.Sigmoid], ['leakyRelu', ActGrad.LeakyRelu]] as const) {
    it(`the kernel's own gradient (${name}) is the derivative of its formula`, async () => {
      requireNative();
      await tf.setBackend('native');
      const [dy, y, w] = [rng.uniforms(n, -1, 1), rng.uniforms(n, -0.9, 0.9), rng.uniforms(n, -1, 1)].map((v) => tf.tensor(v, shape));
      const formula = (g: tf.Tensor, v: tf.Tensor) =>
        op === ActGrad.Tanh ? tf.mul(tf.sub(1, tf.square(v)), g)
          : op === ActGrad.Sigmoid ? tf.mul(g, tf.mul(v, tf.sub(1, v)))
            : tf.where(tf.greater(v, 0), g, tf.mul(g, 0.2));
      const viaKernel = tf.grads((g: tf.Tensor, v: tf.Tensor) =>
        tf.sum(tf.mul(tf.engine().runKernel(ACTIVATION_GRAD, { dy: g, x: v }, { op, alpha: 0.2 }) as tf.Tensor, w)))([dy, y]);
      const viaFormula = tf.grads((g: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(formula(g, v), w)))([dy, y]);
      for (let i = 0; i < 2; i++) assertClose(viaKernel[i].dataSync(), viaFormula[i].dataSync(), 1e-5, 1e-6, `${name} input ${i}`);
      tf.dispose([dy, y, w, ...viaKernel, ...viaFormula]);
    });
  }

  it('runs as one kernel on native', async () => {
    requireNative();
    await tf.setBackend('native');
    const v = tf.randomNormal([8, 8]);
    const info = await tf.profile(() => tf.grad((u: tf.Tensor) => tf.sum(tf.leakyRelu(u, 0.2)))(v));
    const names = info.kernelNames;
    assert.ok(names.includes(ACTIVATION_GRAD), `kernels: ${names.join(', ')}`);
    assert.ok(!names.includes('Select') && !names.includes('Greater'), `kernels: ${names.join(', ')}`);
    tf.dispose([v, info.result as tf.Tensor]);
  });
});
