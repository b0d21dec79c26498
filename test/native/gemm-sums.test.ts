/**
 * Sums of deferred products (GemmSum in src/native/deferred.ts): an Add of deferred GEMM
 * outputs (a weight's gradient contributions) stays deferred as one sum, computed as one
 * output each product accumulates into. Its values are those of the Add kernels it
 * replaces, bit for bit where every product's depth fits one GEMM block (256).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeBackend } from '../../src/native/backend.js';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

const rng = new Rng(9191);

function native(): NativeBackend {
  return tf.backend() as NativeBackend;
}

/** tf.matMul computed as a deferred gradient kernel would be (inside a custom gradient). */
function deferredMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  const backend = native();
  backend.deferDepth++;
  try {
    return tf.matMul(a, b, transposeA, transposeB);
  } finally {
    backend.deferDepth--;
  }
}

/** `f`'s values with sums of products deferred, and with them off. */
function withAndWithout(f: () => tf.Tensor): { on: Float32Array; off: Float32Array; sums: number } {
  const b = native();
  const run = (on: boolean) => {
    b.deferSums = on;
    try {
      const before = b.deferred.sums;
      const values = tf.tidy(() => f().dataSync().slice() as Float32Array);
      return { values, sums: b.deferred.sums - before };
    } finally {
      b.deferSums = true;
    }
  };
  const off = run(false), on = run(true);
  assert.equal(off.sums, 0);
  return { on: on.values, off: off.values, sums: on.sums };
}

describe('native sums of deferred products', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(async () => {
    requireNative();
    await tf.setBackend('native');
  });

  it('an Add of deferred products is deferred as one sum, computed on first read', () => {
    const b = native();
    const x = tf.tensor2d(rng.normals(40 * 24), [40, 24]), w = tf.tensor2d(rng.normals(24 * 16), [24, 16]);
    const p = deferredMatMul(x, w), q = deferredMatMul(x, w, false, false);
    const { run, sums } = b.deferred;
    const s = tf.add(p, q);
    assert.equal(b.deferred.sums, sums + 1, 'the Add was not deferred');
    tf.dispose([p, q]); // the products alone are never read: dropped
    assert.equal(b.deferred.run, run, 'something was computed before the sum was read');
    const expected = tf.tidy(() => tf.mul(tf.matMul(x, w), 2).dataSync().slice());
    assert.deepEqual(s.dataSync(), expected);
    assert.equal(b.deferred.run, run + 1, 'the sum is one computation');
    tf.dispose([s, x, w]);
  });

  it('every product layout, two and three terms, a plain tensor on either side: the Adds\' values bit for bit', () => {
    // [m x k] op [k x n] per layout; depths up to 256 (one GEMM block)
    const cases: Array<[number, number, number, boolean, boolean]> = [
      [64, 200, 96, false, false], // thin, B read in place
      [300, 64, 130, true, false], // tall, transposed A (a weight gradient): packed B
      [48, 256, 72, false, true], // thin, transposed B (an input gradient)
      [200, 33, 3, false, false], // few columns
      [150, 4, 40, false, false], // shallow
      [7, 5, 9, true, true],
    ];
    for (const [m, k, n, ta, tb] of cases) {
      const operand = (rows: number, cols: number, t: boolean) => tf.tensor2d(rng.normals(rows * cols), t ? [cols, rows] : [rows, cols]);
      const ops = [0, 1, 2].map(() => [operand(m, k, ta), operand(k, n, tb)] as const);
      const base = tf.tensor2d(rng.normals(m * n), [m, n]);
      const product = (i: number) => deferredMatMul(ops[i][0] as tf.Tensor2D, ops[i][1] as tf.Tensor2D, ta, tb);
      const label = `${m}x${k}x${n}${ta ? ' ta' : ''}${tb ? ' tb' : ''}`;
      for (const [what, f, expectSums] of [
        ['p + q', () => tf.add(product(0), product(1)), 1],
        ['(p + q) + r', () => tf.add(tf.add(product(0), product(1)), product(2)), 2],
        ['(p + q) + base', () => tf.add(tf.add(product(0), product(1)), base), 2],
        ['base + (p + q)', () => tf.add(base, tf.add(product(0), product(1))), 2],
        ['p + base', () => tf.add(product(0), base), 1],
      ] as Array<[string, () => tf.Tensor, number]>) {
        const r = withAndWithout(f);
        assert.equal(r.sums, expectSums, `${label} ${what}: sums deferred`);
        assert.deepEqual(r.on, r.off, `${label} ${what}`);
      }
      tf.dispose([...ops.flat(), base]);
    }
  });

  it('deeper products (several GEMM blocks) round differently, within float32 error', () => {
    const x = tf.tensor2d(rng.normals(600 * 70), [600, 70]), y = tf.tensor2d(rng.normals(600 * 50), [600, 50]);
    const x2 = tf.tensor2d(rng.normals(600 * 70), [600, 70]);
    const r = withAndWithout(() => tf.add(deferredMatMul(x, y, true), deferredMatMul(x2, y, true)));
    assert.equal(r.sums, 1);
    let worst = 0;
    for (let i = 0; i < r.on.length; i++) worst = Math.max(worst, Math.abs(r.on[i] - r.off[i]) / Math.max(1, Math.abs(r.off[i])));
    assert.ok(worst < 1e-5, `worst relative difference ${worst}`);
    tf.dispose([x, y, x2]);
  });

  it('a sum reads its inputs as they were: a variable assigned, products\' inputs disposed and their buffers reused', () => {
    const n = 32;
    const xv = rng.normals(n * n), wv = rng.normals(n * n), basev = rng.normals(n * n);
    const x = tf.tensor2d(xv, [n, n]), w = tf.tensor2d(wv, [n, n]);
    const base = tf.variable(tf.tensor2d(basev, [n, n]));
    const expected = tf.tidy(() => tf.add(tf.add(tf.matMul(x, w), tf.matMul(w, x)), base).dataSync().slice());
    const s = tf.tidy(() => tf.add(tf.add(deferredMatMul(x, w), deferredMatMul(w, x)), base));
    assert.equal(native().pendingSum(s)?.terms.length, 2, 'not deferred as a sum');
    base.assign(tf.zerosLike(base));
    tf.dispose([x, w]);
    const noise = [tf.fill([n, n], 7), tf.fill([n, n], -3), tf.add(tf.ones([n, n]), 1)];
    assert.deepEqual(s.dataSync(), expected);
    tf.dispose([s, base, ...noise]);
  });

  it('a sum disposed unread computes nothing and frees what it held', () => {
    const b = native();
    const start = tf.memory().numDataBuffers;
    const { run } = b.deferred;
    const x = tf.tensor2d(rng.normals(64), [8, 8]);
    const base = tf.tensor2d(rng.normals(64), [8, 8]);
    const s = tf.tidy(() => tf.add(tf.add(deferredMatMul(x, x), deferredMatMul(x, x, true)), base));
    tf.dispose([x, base, s]);
    assert.equal(b.deferred.run, run, 'computed');
    assert.equal(tf.memory().numDataBuffers, start, 'data buffers freed');
  });

  it('a layers critic under a gradient penalty: the same weight gradients, with its contributions summed', () => {
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
    const critic = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 48, inputShape: [2], kernelInitializer: init(11) }),
        tfl.layers.reLU(),
        tfl.layers.dense({ units: 48, kernelInitializer: init(12) }),
        tfl.layers.reLU(),
        tfl.layers.dense({ units: 1, kernelInitializer: init(13) }),
      ],
    });
    const vars = critic.trainableWeights.map((w) => w.read() as tf.Variable);
    const real = tf.tensor2d(rng.uniforms(64, -1, 1), [32, 2]), fake = tf.tensor2d(rng.uniforms(64, -1, 1), [32, 2]);
    const alpha = tf.tensor2d(rng.uniforms(32), [32, 1]);
    const d = (x: tf.Tensor) => critic.apply(x, { training: true }) as tf.Tensor;
    const grads = (on: boolean) => {
      const b = native();
      b.deferSums = on;
      const before = b.deferred.sums;
      try {
        return tf.tidy(() => {
          const { grads: g } = tf.variableGrads(() => {
            const xhat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
            const gx = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(xhat);
            const gp = tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(gx), 1)), 1)));
            return tf.add(tf.sub(tf.mean(d(fake)), tf.mean(d(real))), tf.mul(10, gp)) as tf.Scalar;
          }, vars);
          return { values: vars.map((v) => g[v.name].dataSync().slice() as Float32Array), sums: b.deferred.sums - before };
        });
      } finally {
        b.deferSums = true;
      }
    };
    const off = grads(false), on = grads(true);
    // each dense kernel: real + fake products, then the penalty's contribution
    assert.ok(on.sums >= 6, `only ${on.sums} sums deferred`);
    on.values.forEach((g, i) => assert.deepEqual(g, off.values[i], `gradient ${i}`));
    tf.dispose([real, fake, alpha]);
    critic.dispose();
  });
});
