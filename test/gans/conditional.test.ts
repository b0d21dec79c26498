import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { ring8, gauss1 } from '../../src/data/mixtures.js';
import { storedDataset } from '../../src/data/stored.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { buildConditionalGan, isLabelConditioned, type ConditioningMode } from '../../src/gans/conditional.js';
import { createVariant } from '../../src/gans/registry.js';
import { LabelError, roundRobinLabels } from '../../src/nn/label-embedding.js';
import type { GanVariant, IterationContext } from '../../src/gans/types.js';
import type { MixtureDataset } from '../../src/data/types.js';
import '../../src/gans/conditional.js';
import { iterationRng } from '../../src/core/streams.js';

before(async () => {
  await initBackend('wasm');
});

function context(step: number, data: IterationContext['data'], batchSize: number, seed = 1): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

/** Trains for `steps` iterations; returns the growth of the tensor count after the first (optimizer state). */
function train(v: GanVariant, data: IterationContext['data'], steps: number, batchSize = 64): number {
  v.trainIteration(context(0, data, batchSize));
  const tensors = tf.memory().numTensors;
  for (let step = 1; step < steps; step++) v.trainIteration(context(step, data, batchSize));
  return tf.memory().numTensors - tensors;
}

function nearestMode(data: MixtureDataset, x: ArrayLike<number>, i: number): number {
  let best = -1;
  let bestDistance = Infinity;
  data.modes.forEach((m, j) => {
    const d = (x[2 * i] - m[0]) ** 2 + (x[2 * i + 1] - m[1]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = j;
    }
  });
  return best;
}

/** For each class k: the share of G(z, k) whose nearest ring8 mode is mode k (same z for every k). */
function perClassHitRate(v: GanVariant, data: MixtureDataset, n = 200): number[] {
  const shares: number[] = [];
  for (let k = 0; k < data.modes.length; k++) {
    const z = tf.tensor2d(new Rng(9).normals(n * v.latentDim), [n, v.latentDim]);
    const labels = tf.tensor1d(new Int32Array(n).fill(k), 'int32');
    const out = v.generate(z, labels);
    const x = out.dataSync();
    let hits = 0;
    for (let i = 0; i < n; i++) if (nearestMode(data, x, i) === k) hits++;
    shares.push(hits / n);
    tf.dispose([z, labels, out]);
  }
  return shares;
}

function ringConfig(mode: ConditioningMode, steps: number) {
  return resolveConfig({ variant: mode, data: 'ring8', model: 'mlp', hidden: [64, 64], steps, batchSize: 64, seed: 1 }, 'points');
}

for (const mode of ['cgan', 'acgan', 'projection'] as const) {
  test(`${mode} on ring8: G(z, k) lands on mode k for every class k`, (t) => {
    const data = ring8();
    const v = buildConditionalGan(mode, ringConfig(mode, 400), data);
    const before = perClassHitRate(v, data);
    // Untrained, the label does not pick the mode: at most a few classes hit by chance.
    assert.ok(before.filter((s) => s > 0.9).length <= 2, `untrained hit rates ${before}`);
    assert.equal(train(v, data, 400), 0, 'training leaked tensors');
    const after = perClassHitRate(v, data);
    t.diagnostic(`share of G(z, k) on mode k, untrained: ${before}; trained: ${after}`);
    for (let k = 0; k < 8; k++) assert.ok(after[k] >= 0.9, `class ${k}: only ${after[k]} of G(z, ${k}) on mode ${k} (${after})`);
    v.dispose();
  });
}

test('acgan: the auxiliary head classifies real ring8 samples by mode', () => {
  const data = ring8();
  const v = buildConditionalGan('acgan', ringConfig('acgan', 200), data);
  train(v, data, 200);
  const { x, labels } = data.sample(400, new Rng(5));
  const [score, logits] = v.models().discriminator.predict(tf.tensor2d(x, [400, 2])) as tf.Tensor[];
  const predicted = tf.argMax(logits, -1).dataSync();
  let right = 0;
  for (let i = 0; i < 400; i++) if (predicted[i] === labels?.[i]) right++;
  assert.ok(right / 400 > 0.95, `class head accuracy ${right / 400}`);
  tf.dispose([score, logits]);
  v.dispose();
});

test('projection: D scores a real sample higher with its own label than with a wrong one', () => {
  const data = ring8();
  const v = buildConditionalGan('projection', ringConfig('projection', 400), data);
  train(v, data, 400);
  const n = 400;
  const { x, labels } = data.sample(n, new Rng(6));
  const wrong = Int32Array.from(labels ?? [], (y) => (y + 4) % 8);
  const D = v.models().discriminator;
  const xs = tf.tensor2d(x, [n, 2]);
  const right = tf.cast(tf.oneHot(tf.tensor1d(labels ?? new Int32Array(n), 'int32'), 8), 'float32');
  const other = tf.cast(tf.oneHot(tf.tensor1d(wrong, 'int32'), 8), 'float32');
  const sRight = (D.predict([xs, right]) as tf.Tensor).dataSync();
  const sWrong = (D.predict([xs, other]) as tf.Tensor).dataSync();
  let higher = 0;
  for (let i = 0; i < n; i++) if (sRight[i] > sWrong[i]) higher++;
  assert.ok(higher / n > 0.9, `own label scored higher in only ${higher / n}`);
  v.dispose();
});

test('generate without labels draws classes round-robin; bad labels are refused clearly', () => {
  assert.deepEqual([...roundRobinLabels(12, 5)], [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
  const data = ring8();
  const v = buildConditionalGan('cgan', ringConfig('cgan', 1), data);
  assert.ok(isLabelConditioned(v) && v.capabilities.labels === 8);
  const z = tf.zeros([16, 2]) as tf.Tensor2D;
  const a = v.generate(z);
  const b = v.generate(z, tf.tensor1d(roundRobinLabels(16, 8), 'int32'));
  assert.deepEqual([...a.dataSync()], [...b.dataSync()]);
  assert.throws(() => v.generate(z, tf.tensor1d(new Int32Array(16).fill(8), 'int32')), LabelError);
  assert.throws(() => v.generate(z, tf.tensor1d([1, 2], 'int32')), /one label per sample/);
  assert.throws(() => buildConditionalGan('cgan', ringConfig('cgan', 1), { ...gauss1(), numClasses: undefined }), ConfigError);
  tf.dispose([z, a, b]);
  v.dispose();
});

test('registry builds all three; dcgan-shaped models train on 28×28 digits without leaks and save in Layers format', async () => {
  const n = 32;
  const rng = new Rng(3);
  const digits = storedDataset({ name: 'digits', kind: 'images', shape: [28, 28, 1], x: rng.uniforms(n * 784, -1, 1), labels: roundRobinLabels(n, 10), numClasses: 10 });
  for (const mode of ['cgan', 'acgan', 'projection'] as const) {
    const config = resolveConfig({ variant: mode, data: 'digits', model: 'dcgan', latentDim: 16, steps: 2, batchSize: 4, seed: 2 }, 'images');
    const v = createVariant(config, digits);
    assert.equal(v.name, mode);
    v.trainIteration(context(0, digits, 4));
    const tensors = tf.memory().numTensors;
    v.trainIteration(context(1, digits, 4));
    assert.equal(tf.memory().numTensors, tensors, `${mode} leaked tensors`);
    const z = tf.zeros([3, 16]) as tf.Tensor2D;
    const labels = tf.tensor1d([7, 7, 2], 'int32');
    const out = v.generate(z, labels);
    assert.deepEqual(out.shape, [3, 28, 28, 1]);
    // Round trip through the Layers format (what checkpoints write): same samples after loading.
    for (const [name, model] of Object.entries(v.models())) {
      let saved: tf.io.ModelArtifacts | null = null;
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      assert.ok(saved, `${mode} ${name} did not save`);
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved));
      if (name === 'generator') {
        const y = tf.cast(tf.oneHot(labels, 10), 'float32');
        const again = loaded.predict([z, y]) as tf.Tensor;
        assert.ok(tf.max(tf.abs(tf.sub(again, out))).dataSync()[0] < 1e-5, `${mode} generator changed after a save/load`);
        tf.dispose([y, again]);
      }
      loaded.dispose();
    }
    tf.dispose([z, labels, out]);
    v.dispose();
  }
});

test('configs of the conditional and inference variants resolve and build their variant', async () => {
  const { readFileSync } = await import('node:fs');
  const { loadDataset } = await import('../../src/data/index.js');
  await import('../../src/gans/all.js');
  const expected: Record<string, string> = {
    'cgan-ring8': 'discriminator,generator', 'cgan-mnist': 'discriminator,generator', 'acgan-ring8': 'discriminator,generator',
    'acgan-mnist': 'discriminator,generator', 'projection-ring8': 'discriminator,generator', 'projection-mnist': 'discriminator,generator',
    'infogan-ring8': 'discriminator,generator', 'infogan-mnist': 'discriminator,generator', 'bigan-gauss1': 'discriminator,encoder,generator',
    'bigan-mnist': 'discriminator,encoder,generator', 'ssgan-mnist': 'discriminator,generator',
  };
  for (const [name, models] of Object.entries(expected)) {
    const input = JSON.parse(readFileSync(`configs/${name}.json`, 'utf8')) as Parameters<typeof resolveConfig>[0];
    const data = loadDataset(input.data ?? 'mnist');
    const config = resolveConfig(input, data.kind);
    const v = createVariant(config, data);
    assert.equal(v.name, config.variant, name);
    assert.equal(Object.keys(v.models()).sort().join(','), models, name);
    v.dispose();
  }
});
