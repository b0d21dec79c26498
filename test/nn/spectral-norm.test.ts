import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { SpectralConv2D, SpectralDense, spectralLayers } from '../../src/nn/spectral-norm.js';
import { Rng } from '../../src/train/rng.js';

await initBackend('wasm');

/** Largest singular value of a row-major [rows, cols] matrix, in float64: power method on AᵀA to convergence. */
function exactSigma(a: ArrayLike<number>, rows: number, cols: number): number {
  let v = Array.from({ length: cols }, (_, i) => 1 + 0.1 * i);
  let sigma = 0;
  for (let it = 0; it < 5000; it++) {
    const av = new Array<number>(rows).fill(0);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) av[r] += a[r * cols + c] * v[c];
    const atav = new Array<number>(cols).fill(0);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) atav[c] += a[r * cols + c] * av[r];
    const n = Math.sqrt(atav.reduce((s, x) => s + x * x, 0));
    v = atav.map((x) => x / n);
    sigma = Math.sqrt(n);
  }
  return sigma;
}

function randomModelWeights(model: tfl.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  const values = model.weights.map((w) => tf.tensor(rng.normals(w.shape.reduce((a: number, b) => a * (b ?? 1), 1)), w.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
}

test('SpectralDense: after power iterations σ̂ equals the exact top singular value and σ(W/σ̂) = 1', () => {
  const model = tfl.sequential({ layers: [new SpectralDense({ units: 5, inputShape: [7] })] });
  randomModelWeights(model, 3);
  const layer = spectralLayers(model)[0];
  const w = model.getWeights()[0].dataSync();
  const exact = exactSigma(w, 7, 5);
  const x = tf.ones([2, 7]);
  const before = layer.sigma();
  for (let i = 0; i < 30; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
  const after = layer.sigma();
  assert.ok(Math.abs(after - exact) / exact < 1e-4, `σ̂ ${after} vs exact ${exact} (before: ${before})`);
  assert.ok(Math.abs(before - exact) / exact > 1e-3, 'a random u should not already give σ exactly');
  // The kernel the layer really uses: W / σ̂ has spectral norm 1.
  const normalized = Float32Array.from(w, (v) => v / after);
  assert.ok(Math.abs(exactSigma(normalized, 7, 5) - 1) < 1e-4);
  // The layer's output is x (W/σ̂) + b.
  const y = model.apply(x, { training: false }) as tf.Tensor;
  const manual = tf.tidy(() => tf.add(tf.matMul(x, tf.div(model.getWeights()[0], after)), model.getWeights()[1]));
  assert.ok(tf.max(tf.abs(tf.sub(y, manual))).dataSync()[0] < 1e-5);
  tf.dispose([x, y, manual]);
  model.dispose();
});

test('SpectralConv2D (conv and transposed): σ of the folded kernel [k·k·in, out] converges to the exact value', () => {
  for (const transpose of [false, true]) {
    const model = tfl.sequential({ layers: [new SpectralConv2D({ filters: 3, kernelSize: 4, strides: 2, transpose, inputShape: [8, 8, 2] })] });
    randomModelWeights(model, transpose ? 5 : 4);
    const kernel = model.getWeights()[0];
    const [kh, kw, a, b] = kernel.shape;
    const exact = exactSigma(kernel.dataSync(), kh * kw * a, b);
    const x = tf.ones([1, 8, 8, 2]);
    for (let i = 0; i < 40; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const sigma = spectralLayers(model)[0].sigma();
    assert.ok(Math.abs(sigma - exact) / exact < 1e-4, `transpose=${transpose}: σ̂ ${sigma} vs ${exact}`);
    const y = model.apply(x, { training: false }) as tf.Tensor;
    assert.deepEqual(y.shape, transpose ? [1, 16, 16, 3] : [1, 4, 4, 3]);
    tf.dispose([x, y]);
    model.dispose();
  }
});

test('u is a non-trainable weight: inference calls leave it, training calls move it, no gradient reaches it', () => {
  const model = tfl.sequential({ layers: [new SpectralDense({ units: 3, inputShape: [4] })] });
  randomModelWeights(model, 8);
  assert.deepEqual(model.trainableWeights.map((w) => w.originalName.split('/').pop()), ['kernel', 'bias']);
  assert.deepEqual(model.nonTrainableWeights.map((w) => w.originalName.split('/').pop()), ['sn_u']);
  const x = tf.ones([2, 4]);
  const u0 = Array.from(model.getWeights()[2].dataSync());
  tf.dispose(model.apply(x, { training: false }) as tf.Tensor);
  assert.deepEqual(Array.from(model.getWeights()[2].dataSync()), u0);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  assert.notDeepEqual(Array.from(model.getWeights()[2].dataSync()), u0);
  assert.equal(Object.keys(grads).length, 2);
  tf.dispose([x, ...Object.values(grads)]);
  model.dispose();
});

test('the layers serialise: a model rebuilt from its JSON with the same weights gives the same output', async () => {
  const model = tfl.sequential({
    layers: [new SpectralConv2D({ filters: 2, kernelSize: 4, strides: 2, inputShape: [8, 8, 1] }), tfl.layers.flatten(), new SpectralDense({ units: 1 })],
  });
  randomModelWeights(model, 9);
  const json = model.toJSON(null, false) as unknown as object;
  const copy = await tfl.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON);
  copy.setWeights(model.getWeights());
  const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 1);
  const a = model.predict(x) as tf.Tensor;
  const b = copy.predict(x) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-6);
  assert.equal(spectralLayers(copy).length, 2);
  tf.dispose([x, a, b]);
  model.dispose();
  copy.dispose();
});

test('training calls do not leak tensors', () => {
  const model = tfl.sequential({ layers: [new SpectralDense({ units: 3, inputShape: [4] })] });
  const x = tf.ones([2, 4]);
  tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
  const n = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
  assert.equal(tf.memory().numTensors, n);
  x.dispose();
  model.dispose();
});
