/** Sum's and Mean's one-kernel gradients on native give TF.js's, first and second order. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BROADCAST_DIV } from '../../src/native/reduction-grads.js';
import { NATIVE_DISABLED, Rng, compare, input, requireNative } from './helpers.js';

const rng = new Rng(9);
const CASES: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
  { shape: [64, 7, 7, 13], axis: [0, 1, 2], keepDims: false }, // batch-norm moments
  { shape: [64, 7, 7, 13], axis: [0, 1, 2], keepDims: true },
  { shape: [17, 33], axis: -1, keepDims: false },
  { shape: [17, 33], axis: 0, keepDims: true },
  { shape: [5, 6, 7], axis: [0, 2], keepDims: false },
  { shape: [300], axis: 0, keepDims: false },
];

describe('native Sum and Mean gradients', { skip: NATIVE_DISABLED }, () => {
  for (const { shape, axis, keepDims } of CASES) {
    const n = shape.reduce((a, b) => a * b, 1);
    for (const op of ['sum', 'mean'] as const) {
      const reduce = (t: tf.Tensor) => (op === 'sum' ? tf.sum(t, axis, keepDims) : tf.mean(t, axis, keepDims));
      it(`${op} over ${JSON.stringify(axis)} of ${shape}${keepDims ? ', keepDims' : ''}: first and second order match cpu`, async () => {
        requireNative();
        const x = input(shape, rng.uniforms(n, -2, 2)), w = input(shape, rng.uniforms(n, -1, 1));
        await compare(`${op} grad`, [x, w], (xs, ws) => tf.grad((v: tf.Tensor) => tf.sum(tf.square(reduce(tf.mul(v, ws)))))(xs));
        await compare(`${op} grad of grad`, [x, w], (xs, ws) =>
          tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(reduce(tf.mul(u, ws)))))(tf.mul(v, ws)))))(xs));
      });
    }
  }

  it('runs as one kernel, with no tensor of ones', async () => {
    requireNative();
    await tf.setBackend('native');
    const v = tf.randomNormal([16, 5, 5, 8]);
    const info = await tf.profile(() => tf.grad((u: tf.Tensor) => tf.sum(tf.mean(u, [0, 1, 2])))(v));
    assert.ok(info.kernelNames.includes(BROADCAST_DIV), `kernels: ${info.kernelNames.join(', ')}`);
    assert.ok(!info.kernelNames.includes('Multiply'), `kernels: ${info.kernelNames.join(', ')}`);
    tf.dispose([v, info.result as tf.Tensor]);
  });
});
