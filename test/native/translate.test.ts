/**
 * DiffAugment's batched translation (one gather, its gradient the opposite shift) gives
 * the numbers of the per-sample pad-and-slice it replaced, to second order, on cpu and
 * native, and goes through no cpu-only kernel on native.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { translate, translationRange } from '../../src/gans/diffaugment.js';
import { cpuOnlyCounts, nativeFallbackCounts } from '../../src/native/index.js';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

/** The per-sample reference: pad by the range, then slice each sample at its shift. */
function sliced(x: tf.Tensor4D, sy: Int32Array, sx: Int32Array): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const ry = translationRange(h), rx = translationRange(w);
  const padded = tf.pad(x, [[0, 0], [ry, ry], [rx, rx], [0, 0]]);
  return tf.concat(Array.from({ length: n }, (_, k) => tf.slice(padded, [k, ry - sy[k], rx - sx[k], 0], [1, h, w, -1])), 0);
}

const rng = new Rng(31);
const [n, h, w, c] = [6, 20, 12, 2]; // shifts up to ±3 rows, ±2 columns (translationRange)
const xs = rng.uniforms(n * h * w * c, -1, 1);
const weights = rng.uniforms(n * h * w * c, -1, 1);
const sy = Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * 7) - 3);
const sx = Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * 5) - 2);

/** Value, gradient and a second-order gradient of sum(wt · f(x)²) on one backend. */
function run(f: (x: tf.Tensor4D) => tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, [n, h, w, c]);
    const wt = tf.tensor4d(weights, [n, h, w, c]);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(wt, tf.square(f(v as tf.Tensor4D))));
    const g = tf.grad(loss);
    const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.square(g(v))));
    return [f(x), g(x), g2(x)].map((t) => t.dataSync() as Float32Array);
  });
}

for (const backend of NATIVE_DISABLED ? ['cpu'] : ['cpu', 'native']) {
  it(`translate equals pad-and-slice, with gradients to second order (${backend})`, async () => {
    if (backend === 'native') requireNative();
    await tf.setBackend(backend);
    nativeFallbackCounts(true);
    cpuOnlyCounts(true);
    const before = tf.memory().numTensors;
    const got = run((x) => translate(x, sy, sx));
    const want = run((x) => sliced(x, sy, sx));
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    got.forEach((g, i) => assert.deepEqual(Array.from(g), Array.from(want[i]), `output ${i}`));
    if (backend === 'native') {
      assert.deepEqual(nativeFallbackCounts(true), {});
      assert.ok(!('GatherV2' in cpuOnlyCounts()), 'gather ran on the cpu kernel');
    }
  });
}
