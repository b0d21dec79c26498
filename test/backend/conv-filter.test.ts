import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/train/rng.js';

// Keep TF.js's own cpu kernel before gankit replaces it, as the reference.
await tf.setBackend('cpu');
const original = tf.getKernel('Conv2DBackpropFilter', 'cpu');
assert.ok(original, 'cpu has a Conv2DBackpropFilter kernel');
const { initBackend } = await import('../../src/backend/index.js');
await initBackend('cpu');
const composed = tf.getKernel('Conv2DBackpropFilter', 'cpu');
assert.ok(composed && composed.kernelFunc !== original.kernelFunc, 'gankit registered its composed kernel');

interface Case { n: number; h: number; w: number; ci: number; co: number; k: number; kw?: number; s: number; pad: 'same' | 'valid' | number }
const cases: Case[] = [
  { n: 2, h: 8, w: 8, ci: 3, co: 4, k: 4, s: 2, pad: 'same' },
  { n: 3, h: 7, w: 9, ci: 2, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 1, h: 9, w: 7, ci: 4, co: 3, k: 3, s: 2, pad: 'valid' },
  { n: 2, h: 11, w: 10, ci: 3, co: 2, k: 5, kw: 3, s: 3, pad: 'valid' },
  { n: 2, h: 14, w: 14, ci: 5, co: 6, k: 4, s: 2, pad: 1 },
  { n: 4, h: 5, w: 5, ci: 1, co: 2, k: 1, s: 1, pad: 'valid' },
  { n: 2, h: 6, w: 13, ci: 3, co: 3, k: 2, s: 2, pad: 'same' },
];

for (const c of cases) {
  test(`composed Conv2DBackpropFilter equals TF.js's cpu kernel: ${JSON.stringify(c)}`, () => {
    const rng = new Rng(c.n * 100 + c.h);
    const kw = c.kw ?? c.k;
    const filterShape: [number, number, number, number] = [c.k, kw, c.ci, c.co];
    const x = tf.tensor4d(rng.normals(c.n * c.h * c.w * c.ci), [c.n, c.h, c.w, c.ci]);
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, c.s, 1, c.pad);
    const dy = tf.tensor4d(rng.normals(c.n * info.outHeight * info.outWidth * c.co), [c.n, info.outHeight, info.outWidth, c.co]);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap;
    const backend = tf.backend();
    const ref = original.kernelFunc({ inputs: { x, dy }, backend, attrs }) as tf.TensorInfo;
    const got = composed.kernelFunc({ inputs: { x, dy }, backend, attrs }) as tf.TensorInfo;
    assert.deepEqual(got.shape, filterShape);
    const a = backend.readSync(ref.dataId) as Float32Array;
    const b = backend.readSync(got.dataId) as Float32Array;
    let maxRel = 0;
    const scale = Math.max(...Array.from(a, Math.abs));
    for (let i = 0; i < a.length; i++) maxRel = Math.max(maxRel, Math.abs(a[i] - b[i]) / scale);
    assert.ok(maxRel < 1e-5, `max relative error ${maxRel}`);
    backend.disposeData(ref.dataId);
    backend.disposeData(got.dataId);
    tf.dispose([x, dy]);
  });
}

test('second-order gradients through a conv critic with LeakyReLU work (WGAN-GP on dcgan)', () => {
  const rng = new Rng(3);
  const w = tf.variable(tf.tensor4d(rng.normals(3 * 3 * 1 * 2, 0.5), [3, 3, 1, 2]));
  const critic = (x: tf.Tensor) => tf.sum(tf.leakyRelu(tf.conv2d(x as tf.Tensor4D, w, 2, 'same'), 0.2));
  const x = tf.tensor4d(rng.normals(2 * 6 * 6), [2, 6, 6, 1]);
  const penalty = () => tf.sum(tf.square(tf.grad(critic)(x))) as tf.Scalar;
  const { grads } = tf.variableGrads(penalty, [w]);
  const g = grads[w.name].dataSync();
  // finite differences on one weight
  const base = w.dataSync().slice();
  const at = (d: number) => {
    const v = base.slice();
    v[4] += d;
    w.assign(tf.tensor4d(v, [3, 3, 1, 2]));
    return tf.tidy(() => penalty().dataSync()[0]);
  };
  const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
  assert.ok(Math.abs(numeric - g[4]) < 1e-2 * Math.max(1, Math.abs(g[4])), `${numeric} vs ${g[4]}`);
});
