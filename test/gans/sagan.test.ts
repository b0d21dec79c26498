import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { ring8 } from '../../src/data/mixtures.js';
import { createVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { SelfAttention2D } from '../../src/nn/self-attention.js';
import { spectralLayers } from '../../src/nn/spectral-norm.js';
import { ConfigError } from '../../src/train/config.js';
import { config, train } from './helpers.js';

await initBackend('wasm');

const mnist = mnistDataset();
const base = { variant: 'sagan', data: 'mnist', model: 'dcgan' as const, latentDim: 8, batchSize: 4, seed: 8, loss: { type: 'hinge' as const } };
const attention = (m: tfl.LayersModel) => m.layers.filter((l): l is SelfAttention2D => l instanceof SelfAttention2D);

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
  return tfl.loadLayersModel(tf.io.fromMemory(saved!));
}

test('sagan: attention in G and D starts at γ = 0 and learns γ ≠ 0; SN in both; TTUR learning rates', () => {
  const v = createVariant(config(base, mnist), mnist);
  const { generator: G, discriminator: D } = v.models();
  const [ga] = attention(G);
  const [da] = attention(D);
  assert.ok(ga && da, 'one attention block in each network');
  assert.equal(ga.gamma(), 0);
  assert.equal(da.gamma(), 0);
  assert.ok(spectralLayers(G).length >= 3 && spectralLayers(D).length >= 3);
  const lr = (o: tf.Optimizer) => (o as unknown as { learningRate: number }).learningRate;
  assert.deepEqual([lr(v.optimizers().generator), lr(v.optimizers().discriminator)], [1e-4, 4e-4]);
  train(v, mnist, 4, 0, 2);
  const n = tf.memory().numTensors;
  train(v, mnist, 4, 2, 4);
  assert.equal(tf.memory().numTensors, n, 'no tensor leak');
  console.log(`γ after 4 steps: G ${ga.gamma()}, D ${da.gamma()}`);
  assert.ok(Math.abs(ga.gamma()) > 1e-6 && Math.abs(da.gamma()) > 1e-6, 'γ is learned');
  v.dispose();
});

test('at γ = 0 the attention block is the identity inside a freshly built generator', () => {
  const v = createVariant(config(base, mnist), mnist);
  const G = v.models().generator;
  const i = G.layers.findIndex((l) => l instanceof SelfAttention2D);
  const z = tf.randomNormal([2, 8], 0, 1, 'float32', 4);
  let h: tf.Tensor = z;
  for (const layer of G.layers.slice(0, i)) h = layer.apply(h) as tf.Tensor;
  const out = G.layers[i].apply(h) as tf.Tensor;
  assert.equal(tf.max(tf.abs(tf.sub(out, h))).dataSync()[0], 0);
  v.dispose();
});

test('sagan G and D survive a save/load round trip (custom layers are registered)', async () => {
  const v = createVariant(config(base, mnist), mnist);
  train(v, mnist, 4, 0, 2);
  const z = tf.randomNormal([2, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
  for (const name of ['generator', 'discriminator'] as const) {
    const model = v.models()[name];
    const copy = await roundTrip(model);
    const x = name === 'generator' ? z : (v.generate(z) as tf.Tensor);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (copy.predict(x) as tf.Tensor).dataSync();
    assert.ok(Math.max(...Array.from(a, (t, j) => Math.abs(t - b[j]))) < 1e-5, name);
    assert.equal(attention(copy).length, 1);
    copy.dispose();
  }
  v.dispose();
});

test('sagan on an mlp or on points is a ConfigError naming --model dcgan', () => {
  const points = ring8();
  assert.throws(() => createVariant(config({ variant: 'sagan', data: 'ring8', model: 'mlp' }, points), points), (e: Error) => e instanceof ConfigError && /--model dcgan/.test(e.message));
});
