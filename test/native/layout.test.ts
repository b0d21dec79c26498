/**
 * The layout kernels (Slice, SplitV, Concat, PadV2, GatherV2) and Softmax against TF.js's
 * cpu backend on random shapes, axes and dtypes; and the addon's entry points refusing
 * inputs smaller than the dimensions they are given.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { cpuOnlyCounts, nativeFallbackCounts } from '../../src/native/index.js';
import { loadAddon } from '../../src/native/load.js';
import { NATIVE_DISABLED, Rng, compare, input, requireNative } from './helpers.js';

const rng = new Rng(777);
const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const shapeOf = (rank: number, lo = 1, hi = 6) => Array.from({ length: rank }, () => int(lo, hi));
const values = (n: number, dtype: 'float32' | 'int32' | 'bool') =>
  dtype === 'float32' ? rng.uniforms(n, -2, 2) : dtype === 'int32' ? Int32Array.from({ length: n }, () => int(-50, 50)) : Uint8Array.from({ length: n }, () => int(0, 1));
const DTYPES = ['float32', 'int32', 'bool'] as const;

describe('native layout kernels match the cpu backend', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(() => {
    requireNative();
    nativeFallbackCounts(true);
    cpuOnlyCounts(true);
  });
  after(() => {
    if (NATIVE_DISABLED) return;
    const counts = nativeFallbackCounts(true);
    assert.deepEqual(counts, {}, `unexpected cpu fallbacks: ${JSON.stringify(counts)}`);
  });

  it('slice: ranks 1-5, every dtype, size -1', async () => {
    for (let t = 0; t < 24; t++) {
      const dtype = DTYPES[t % 3];
      const shape = shapeOf(int(1, 5));
      const begin = shape.map((d) => int(0, d - 1));
      const sz = shape.map((d, i) => (rng.uniform() < 0.2 ? -1 : int(1, d - begin[i])));
      await compare(`slice ${dtype} ${shape} at ${begin} size ${sz}`, [input(shape, values(size(shape), dtype), dtype)],
        (x) => tf.slice(x, begin, sz));
    }
  });

  it('split: sizes and counts along every axis', async () => {
    for (let t = 0; t < 16; t++) {
      const dtype = DTYPES[t % 3];
      const shape = shapeOf(int(1, 4), 2, 7);
      const axis = int(0, shape.length - 1);
      const d = shape[axis];
      const cut = int(1, d - 1);
      const splits = rng.uniform() < 0.5 ? [cut, d - cut] : [cut, -1];
      await compare(`split ${dtype} ${shape} axis ${axis} ${splits}`, [input(shape, values(size(shape), dtype), dtype)],
        (x) => tf.split(x, splits, axis));
    }
  });

  it('concat: 1-4 parts along every axis, empty parts, every dtype', async () => {
    for (let t = 0; t < 18; t++) {
      const dtype = DTYPES[t % 3];
      const rank = int(1, 4);
      const base = shapeOf(rank);
      const axis = int(0, rank - 1);
      const shapes = Array.from({ length: int(1, 4) }, (_, i) => {
        const s = base.slice();
        s[axis] = i === 1 && t % 4 === 0 ? 0 : int(1, 5);
        return s;
      });
      await compare(`concat ${dtype} ${JSON.stringify(shapes)} axis ${axis}`,
        shapes.map((s) => input(s, values(size(s), dtype), dtype)), (...xs) => tf.concat(xs, axis));
    }
  });

  it('pad: paddings per axis, constant values', async () => {
    for (let t = 0; t < 14; t++) {
      const dtype = t % 3 === 1 ? 'int32' : 'float32';
      const shape = shapeOf(int(1, 4));
      const paddings = shape.map(() => [int(0, 3), int(0, 3)] as [number, number]);
      const value = t % 2 === 0 ? 0 : int(-3, 3);
      await compare(`pad ${dtype} ${shape} ${JSON.stringify(paddings)} ${value}`, [input(shape, values(size(shape), dtype), dtype)],
        (x) => tf.pad(x, paddings, value));
    }
  });

  it('gather: every axis, repeated indices, float32 and int32', async () => {
    for (let t = 0; t < 14; t++) {
      const dtype = t % 2 === 0 ? 'float32' : 'int32';
      const shape = shapeOf(int(1, 4));
      const axis = int(0, shape.length - 1);
      const idx = Int32Array.from({ length: int(1, 9) }, () => int(0, shape[axis] - 1));
      await compare(`gather ${dtype} ${shape} axis ${axis} [${idx}]`,
        [input(shape, values(size(shape), dtype), dtype), input([idx.length], idx, 'int32')], (x, i) => tf.gather(x, i, axis));
    }
  });

  it('softmax: ranks 1-3, wide rows, large logits', async () => {
    for (const shape of [[7], [3, 1], [5, 9], [2, 3, 196], [4, 300], [64, 50]]) {
      await compare(`softmax ${shape}`, [input(shape, rng.uniforms(size(shape), -30, 30))], (x) => tf.softmax(x));
    }
  });

  it('first and second order gradients through concat, slice, pad and softmax', async () => {
    const shape = [3, 4, 5, 2];
    const f = (x: tf.Tensor) => {
      const y = tf.concat([x, tf.square(x)], 3);
      const s = tf.slice(tf.pad(y, [[0, 0], [1, 1], [2, 0], [0, 0]]), [0, 1, 1, 1], [3, 4, 5, 3]);
      return tf.sum(tf.mul(tf.softmax(tf.reshape(s, [12, 15])), tf.reshape(s, [12, 15])));
    };
    const g = tf.grad(f);
    await compare('gradient', [input(shape, rng.uniforms(size(shape)))], (x) => g(x));
    await compare('second order', [input(shape, rng.uniforms(size(shape)))], (x) => tf.grad((v: tf.Tensor) => tf.sum(tf.square(g(v))))(x));
  });

  it('no tensor leaks over repeated slices and splits', async () => {
    await tf.setBackend('native');
    const x = tf.randomUniform([8, 6, 6, 3]);
    const count = () => {
      tf.tidy(() => {
        tf.split(x, [2, 1], 3);
        tf.concat([x, x], 1);
        tf.slice(x, [1, 1, 1, 0], [2, 3, 3, 3]);
      });
      return tf.memory().numTensors;
    };
    const first = count();
    for (let i = 0; i < 5; i++) assert.equal(count(), first);
    x.dispose();
  });
});

describe('addon entry points check their input sizes', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  const f = (n: number) => new Float32Array(n);
  const dims = (d: number[]) => Int32Array.from(d);
  // n, h, w, cin, kh, kw, cout, oh, ow, strideH, strideW, dilationH, dilationW, padTop, padLeft
  const conv = dims([2, 5, 5, 3, 3, 3, 4, 5, 5, 1, 1, 1, 1, 1, 1]);
  const cases: Array<[string, () => void, RegExp]> = [
    ['matmul: a too short', () => loadAddon()!.matmul(f(5), f(12), f(8), 1, 2, 4, 3, false, false, 0, 0, null, -1, 0), /a is smaller/],
    ['matmul: b too short for its batch', () => loadAddon()!.matmul(f(12), f(12), f(16), 2, 2, 4, 3, false, false, 6, 12, null, -1, 0), /b is smaller/],
    ['conv2d: x too short', () => loadAddon()!.conv2d(f(2 * 5 * 5 * 3 - 1), f(108), f(200), conv, null, -1, 0), /x is smaller/],
    ['conv2d: filter too short', () => loadAddon()!.conv2d(f(150), f(107), f(200), conv, null, -1, 0), /filter is smaller/],
    ['conv2d: zero stride', () => loadAddon()!.conv2d(f(150), f(108), f(200), dims([2, 5, 5, 3, 3, 3, 4, 5, 5, 0, 1, 1, 1, 1, 1]), null, -1, 0), /bad dims/],
    ['conv2dBackpropInput: dy too short', () => loadAddon()!.conv2dBackpropInput(f(199), f(108), f(150), conv), /dy is smaller/],
    ['conv2dBackpropFilter: x too short', () => loadAddon()!.conv2dBackpropFilter(f(149), f(200), f(108), conv), /x is smaller/],
    ['unary: output too short', () => loadAddon()!.unary(0, f(10), f(9), 0), /output smaller/],
    ['binary: strides past the end', () => loadAddon()!.binary(0, f(6), f(5), f(6), dims([2, 3]), dims([3, 1]), dims([3, 1])), /past the end/],
    ['batchNorm: output too short', () => loadAddon()!.batchNorm(f(8), f(7), 2, f(2), f(2), null, null, 1e-3), /parameter sizes/],
    ['copy: reads past the end', () => loadAddon()!.copy(f(10), f(20), dims([2, 5]), dims([6, 1]), dims([5, 1]), 0, 0), /past the end of src/],
    ['copy: writes past the end', () => loadAddon()!.copy(f(10), f(9), dims([2, 5]), dims([5, 1]), dims([5, 1]), 0, 0), /past the end of dst/],
    ['gather: index out of range', () => loadAddon()!.gather(f(12), f(8), Int32Array.from([0, 3]), 1, 3, 4), /out of range/],
    ['softmax: x not rows * cols', () => loadAddon()!.softmax(f(11), f(12), 3, 4), /rows \* cols/],
    ['select: condition too short', () => loadAddon()!.select(new Uint8Array(2), f(6), f(6), f(6), 2), /sizes/],
  ];
  for (const [what, call, message] of cases) {
    it(what, () => {
      requireNative();
      assert.throws(call, message);
    });
  }
});
