/**
 * Batch norm in training on two fused kernels (src/native/batchnorm-train.ts): the same
 * output, gradients and moving averages as tfjs-layers' own path (moments, then
 * FusedBatchNorm, differentiated op by op), first and second order.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeBackend } from '../../src/native/backend.js';
import { NATIVE_DISABLED, Rng, assertClose, requireNative } from './helpers.js';

const rng = new Rng(2468);

interface Result {
  y: Float32Array;
  grads: Float32Array[];
  movingMean: Float32Array;
  movingVariance: Float32Array;
  calls: Record<string, number>;
}

/** Runs f, counting calls of the named native kernels. */
function counting<T>(names: string[], f: () => T): { out: T; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const originals = names.map((name) => {
    const k = tf.getKernel(name, 'native')!;
    const fn = k.kernelFunc;
    (k as { kernelFunc: typeof fn }).kernelFunc = (args) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return fn(args);
    };
    return [k, fn] as const;
  });
  try {
    return { out: f(), calls };
  } finally {
    for (const [k, fn] of originals) (k as { kernelFunc: typeof fn }).kernelFunc = fn;
  }
}

function disposeLayer(layer: tfl.layers.Layer): void {
  for (const w of layer.weights) w.dispose();
}

/**
 * One training-mode application of a fresh BN layer (same initial weights every time) with
 * the gradients of a loss through it, on the native backend with fusion `fused`. With
 * `penalty`, the loss is a gradient penalty: the norm of d(output)/d(x), differentiated again.
 */
function run(fused: boolean, shape: number[], x0: Float32Array, w0: Float32Array[], opts: { penalty?: boolean } = {}): Result {
  const backend = tf.backend() as NativeBackend;
  backend.fusedBatchNorm = fused;
  const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  layer.build(shape);
  layer.setWeights(w0.map((w) => tf.tensor(w)));
  try {
    const { out, calls } = counting(['GankitMoments', 'GankitBatchNormGrad', tf.Mean], () => {
    const x = tf.tensor(x0, shape);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    // the same coefficients on every call (a loss that weighs every output differently)
    const coef = tf.tensor(new Rng(99).normals(x.size), shape);
    const f = () => {
      if (!opts.penalty) return tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, coef)) as tf.Scalar;
      // (with sum(BN(x)²) this gradient would be zero: batch norm fixes the sum of squares)
      const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, coef)))(x);
      return tf.sum(tf.square(g)) as tf.Scalar;
    };
    const y = tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync().slice() as Float32Array);
    const { value, grads } = tf.variableGrads(f, weights);
    const gx = opts.penalty ? [] : [tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, coef)))(x)];
    const res: Result = {
      y,
      // (a penalty on d/dx does not depend on beta: no gradient for it)
      grads: [...weights.map((w) => (grads[w.name]?.dataSync().slice() ?? new Float32Array(0)) as Float32Array), ...gx.map((g) => g.dataSync().slice() as Float32Array)],
      movingMean: layer.getWeights()[2].dataSync().slice() as Float32Array,
      movingVariance: layer.getWeights()[3].dataSync().slice() as Float32Array,
      calls: {},
    };
    tf.dispose([x, coef, value, ...Object.values(grads), ...gx]);
    return res;
    });
    return { ...out, calls };
  } finally {
    disposeLayer(layer);
    backend.fusedBatchNorm = true;
  }
}

function weightsFor(ch: number): Float32Array[] {
  return [rng.uniforms(ch, 0.5, 1.5), rng.uniforms(ch, -0.5, 0.5), rng.uniforms(ch, -0.2, 0.2), rng.uniforms(ch, 0.5, 2)];
}

describe('native batch norm in training', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(async () => {
    requireNative();
    await tf.setBackend('native');
  });
  after(() => {
    (tf.backend() as NativeBackend).fusedBatchNorm = true;
  });

  for (const shape of [[37, 11], [5, 6, 7, 9], [64, 7, 7, 128]]) {
    it(`matches tfjs-layers' own path: output, gradients for gamma, beta and x, moving averages (${shape.join('x')})`, () => {
      const ch = shape[shape.length - 1];
      // an offset and spread per channel, so the statistics matter
      const x0 = rng.normals(shape.reduce((a, b) => a * b, 1)).map((v, i) => 3 * v + (i % ch) - ch / 2);
      const w0 = weightsFor(ch);
      const plain = run(false, shape, x0, w0);
      const fused = run(true, shape, x0, w0);
      assert.ok((fused.calls.GankitMoments ?? 0) >= 1, 'fused path taken');
      assert.equal(fused.calls[tf.Mean] ?? 0, 0, 'no moments op by op');
      assert.equal(plain.calls.GankitMoments ?? 0, 0);
      assertClose(fused.y, plain.y, 1e-4, 1e-5, 'output');
      fused.grads.forEach((g, i) => assertClose(g, plain.grads[i], 1e-3, 1e-4, ['gamma', 'beta', 'x'][i]));
      assertClose(fused.movingMean, plain.movingMean, 1e-4, 1e-6, 'moving mean');
      assertClose(fused.movingVariance, plain.movingVariance, 1e-4, 1e-6, 'moving variance');
    });
  }

  it('differentiates twice exactly: a gradient penalty through batch norm', () => {
    const shape = [6, 3, 3, 5];
    const x0 = rng.normals(shape.reduce((a, b) => a * b, 1));
    const w0 = weightsFor(5);
    const plain = run(false, shape, x0, w0, { penalty: true });
    const fused = run(true, shape, x0, w0, { penalty: true });
    assert.ok((fused.calls.GankitMoments ?? 0) >= 1, 'fused path taken');
    fused.grads.forEach((g, i) => assertClose(g, plain.grads[i], 1e-3, 1e-4, ['gamma', 'beta'][i]));
    assert.ok(Math.max(...fused.grads[0].map(Math.abs)) > 1e-2, 'a penalty that depends on gamma');
  });

  it('leaves batch norm over another axis to tfjs-layers', () => {
    // (forward only: TF.js's own gradient of batch norm over a middle axis fails, on cpu too)
    const x = tf.tensor(rng.normals(96), [8, 4, 3]);
    const apply = (fused: boolean) => {
      (tf.backend() as NativeBackend).fusedBatchNorm = fused;
      const layer = tfl.layers.batchNormalization({ axis: 1 });
      layer.build([8, 4, 3]);
      const r = counting(['GankitMoments'], () => tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync().slice()));
      disposeLayer(layer);
      return r;
    };
    const fused = apply(true), plain = apply(false);
    assert.equal(fused.calls.GankitMoments ?? 0, 0);
    assertClose(fused.out, plain.out, 0, 0, 'output');
    x.dispose();
  });

  it('keeps the tensor count flat over training steps', () => {
    const layer = tfl.layers.batchNormalization({});
    layer.build([16, 8]);
    const x = tf.tensor(rng.normals(128), [16, 8]);
    const step = () => tf.tidy(() => {
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, weights);
      tf.dispose([value, ...Object.values(grads)]);
    });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(x);
    disposeLayer(layer);
  });
});
