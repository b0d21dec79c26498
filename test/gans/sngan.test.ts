import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { createVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { spectralLayers } from '../../src/nn/spectral-norm.js';
import { ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { config, train } from './helpers.js';

await initBackend('wasm');

const data = ring8();
const base = { variant: 'sngan', data: 'ring8', model: 'mlp' as const, hidden: [32, 32], batchSize: 32, seed: 7, loss: { type: 'hinge' as const } };

/** Largest singular value of a row-major matrix (power method on AᵀA in float64). */
function exactSigma(a: ArrayLike<number>, rows: number, cols: number): number {
  let v = Array.from({ length: cols }, (_, i) => 1 + 0.01 * i);
  let s = 0;
  for (let it = 0; it < 3000; it++) {
    const av = new Array<number>(rows).fill(0);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) av[r] += a[r * cols + c] * v[c];
    const w = new Array<number>(cols).fill(0);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[c] += a[r * cols + c] * av[r];
    const n = Math.hypot(...w);
    v = w.map((x) => x / n);
    s = Math.sqrt(n);
  }
  return s;
}

/** max over points of ‖∇_x D(x)‖: a lower bound on D's Lipschitz constant. */
function maxGradNorm(D: tfl.LayersModel): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(new Rng(3).uniforms(400, -1.5, 1.5), [200, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(D.apply(t) as tf.Tensor))(x);
    return tf.max(tf.sqrt(tf.sum(tf.square(g), 1))).dataSync()[0];
  });
}

test('sngan normalises every D layer and no G layer; after training each layer\'s W/σ̂ has exact spectral norm ≈ 1', () => {
  const v = createVariant(config(base, data), data);
  const { generator: G, discriminator: D } = v.models();
  assert.equal(spectralLayers(G).length, 0);
  const layers = spectralLayers(D);
  assert.equal(layers.length, 3, 'two hidden layers and the output layer');
  train(v, data, 32, 0, 60);
  for (const layer of layers) {
    const kernel = layer.getWeights()[0];
    const [rows, cols] = kernel.shape;
    const exact = exactSigma(kernel.dataSync(), rows, cols);
    // σ̂ = ‖W u‖ with ‖u‖ = 1 never exceeds σ(W); one power iteration per call keeps it
    // within a few percent of it while W moves under Adam.
    const ratio = exact / layer.sigma();
    console.log(`${layer.name}: exact σ(W) ${exact.toFixed(4)}, σ̂ ${layer.sigma().toFixed(4)}`);
    assert.ok(ratio >= 1 - 1e-5 && ratio < 1.05, `${layer.name}: σ(W) ${exact}, σ̂ ${layer.sigma()}`);
  }
  v.dispose();
});

test('spectral normalisation bounds D\'s gradient norm by Π σ(W/σ̂) ≈ 1; the same training without it has Π σ(W) ≫ 1', () => {
  const sn = createVariant(config(base, data), data);
  const plain = createVariant(config({ ...base, variant: 'gan' }, data), data);
  train(sn, data, 32, 0, 100);
  train(plain, data, 32, 0, 100);
  const snNorm = maxGradNorm(sn.models().discriminator);
  const plainNorm = maxGradNorm(plain.models().discriminator);
  const product = (D: tfl.LayersModel, normalised: boolean) =>
    D.layers.filter((l) => l.getWeights().length > 0).reduce((p, l) => {
      const k = l.getWeights()[0];
      const [rows, cols] = k.shape as [number, number];
      const s = exactSigma(k.dataSync(), rows, cols);
      return p * (normalised ? s / (l as unknown as { sigma(): number }).sigma() : s);
    }, 1);
  const snBound = product(sn.models().discriminator, true);
  const plainBound = product(plain.models().discriminator, false);
  console.log(`max ‖∇D‖: sngan ${snNorm.toFixed(3)} (bound ${snBound.toFixed(3)}), gan ${plainNorm.toFixed(3)} (bound ${plainBound.toFixed(3)})`);
  assert.ok(snBound < 1.1 && snNorm <= snBound, `sngan ‖∇D‖ ${snNorm}, bound ${snBound}`);
  assert.ok(plainBound > 2, `gan Π σ(W) ${plainBound}`);
  sn.dispose();
  plain.dispose();
});

test('sngan D survives a save/load round trip with u, and training keeps the tensor count flat', async () => {
  const v = createVariant(config(base, data), data);
  train(v, data, 32, 0, 3);
  const n = tf.memory().numTensors;
  train(v, data, 32, 3, 6);
  assert.equal(tf.memory().numTensors, n);
  const D = v.models().discriminator;
  let saved: tf.io.ModelArtifacts | undefined;
  await D.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  const copy = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
  assert.equal(spectralLayers(copy).length, 3);
  assert.deepEqual(copy.nonTrainableWeights.map((w) => Array.from(w.read().dataSync())), D.nonTrainableWeights.map((w) => Array.from(w.read().dataSync())));
  const x = tf.tensor2d(new Rng(1).normals(20), [10, 2]);
  const a = (D.predict(x) as tf.Tensor).dataSync();
  const b = (copy.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  copy.dispose();
  x.dispose();
  v.dispose();
  assert.throws(() => createVariant(config({ ...base, options: { spectralNorm: false } }, data), data), ConfigError);
});

test('spectral norm in the conditional critics: projection (Miyato & Koyama), acgan and bigan normalise every D kernel', () => {
  for (const variant of ['projection', 'acgan', 'bigan', 'infogan']) {
    const v = createVariant(config({ ...base, variant, options: { spectralNorm: true } }, data), data);
    const D = v.models().discriminator;
    const layers = spectralLayers(D);
    // Two hidden layers, the score, and any heads (ACGAN's classes, InfoGAN's Q).
    const heads = variant === 'acgan' || variant === 'infogan' ? 1 : 0;
    assert.equal(layers.length, 3 + heads, `${variant}: ${layers.map((l) => l.name).join(', ')}`);
    assert.equal(spectralLayers(v.models().generator).length, 0);
    train(v, data, 32, 0, 20);
    for (const layer of layers) {
      const kernel = layer.getWeights()[0];
      const [rows, cols] = kernel.shape;
      const ratio = exactSigma(kernel.dataSync(), rows, cols) / layer.sigma();
      assert.ok(ratio >= 1 - 1e-5 && ratio < 1.05, `${variant} ${layer.name}: σ(W)/σ̂ = ${ratio}`);
    }
    v.dispose();
  }
  assert.throws(() => createVariant(config({ ...base, variant: 'cgan', options: { spectralNorm: 'both' } }, data), data), /normalises its discriminator only/);
});
