import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { storedDataset } from '../../src/data/stored.js';
import { createVariant } from '../../src/gans/index.js';
import { NO_CAPABILITIES, type GanVariant } from '../../src/gans/types.js';
import { loadFeatureClassifier, stratifiedSplit } from '../../src/metrics/classifier.js';
import { resolveConfig } from '../../src/train/config.js';
import { AUGMENT_DEFAULTS, augmentTable, balancedSubset, generateLabelled, HELD_OUT_SEED, HELD_OUT_SHARE, runAugment, trainClassifier, type AugmentSettings } from '../../src/train/augment.js';
import { ConfigError } from '../../src/core/errors.js';

before(async () => {
  await initBackend('auto');
  // Cached once per process; loaded here so the tensor counts below compare like with like.
  await loadFeatureClassifier();
});

/** A generator whose image of class k is k/10 in every pixel, so an image says which label G was given. */
function labelPainter(calls: Int32Array[]): GanVariant {
  return {
    name: 'painter', latentDim: 2, dataShape: [4, 4, 1], capabilities: { ...NO_CAPABILITIES, labels: 10 },
    models: () => ({}), optimizers: () => ({}), trainIteration: () => ({}), samplingGenerator: () => { throw new Error('unused'); },
    discriminate: (x) => x, dispose: () => {},
    generate(z, labels) {
      const k = Int32Array.from(labels!.dataSync());
      calls.push(k);
      // Model space: 2·(k/10) − 1, which sampling maps back to k/10 in [0, 1].
      return tf.tidy(() => tf.tile(tf.reshape(tf.sub(tf.mul(tf.cast(labels!, 'float32'), 0.2), 1), [z.shape[0], 1, 1, 1]), [1, 4, 4, 1]));
    },
  };
}

test('the pipeline labels what it generates: each sample carries the label G was given, classes balanced', () => {
  const calls: Int32Array[] = [];
  const out = generateLabelled(labelPainter(calls), 30, 1);
  const given = Int32Array.from(calls.flatMap((c) => [...c]));
  assert.deepEqual([...out.labels], [...given], 'attached labels are the labels handed to G, in order');
  for (let i = 0; i < 30; i++) {
    const pixels = out.x.subarray(i * 16, (i + 1) * 16);
    assert.ok(pixels.every((p) => Math.abs(p - out.labels[i] / 10) < 1e-6), `sample ${i} was drawn as class ${Math.round(pixels[0] * 10)}, labelled ${out.labels[i]}`);
  }
  const counts = new Array<number>(10).fill(0);
  for (const y of out.labels) counts[y]++;
  assert.deepEqual(counts, new Array<number>(10).fill(3));
});

test('with a real cgan, the labels attached are the ones its generator received; unconditioned variants are refused', () => {
  const digits = mnistDataset();
  const small = storedDataset({ name: 'mnist', kind: 'images', shape: [28, 28, 1], x: digits.x.subarray(0, 20 * 784), labels: digits.labels!.subarray(0, 20), numClasses: 10 });
  const v = createVariant(resolveConfig({ variant: 'cgan', model: 'mlp', hidden: [8], latentDim: 4, seed: 1 }, 'images'), small);
  const seen: number[] = [];
  const generate = v.generate.bind(v);
  v.generate = (z, labels) => {
    seen.push(...labels!.dataSync());
    return generate(z, labels);
  };
  const out = generateLabelled(v, 25, 2);
  assert.deepEqual([...out.labels], seen);
  assert.equal(out.x.length, 25 * 784);
  assert.ok(out.x.every((p) => p >= 0 && p <= 1), 'images in [0, 1]');
  v.dispose();
  const plain = createVariant(resolveConfig({ variant: 'gan', model: 'mlp', hidden: [8], latentDim: 4 }, 'images'), small);
  assert.throws(() => generateLabelled(plain, 5, 1), (e: Error) => e instanceof ConfigError && /use one of: cgan, acgan, projection/.test(e.message));
  plain.dispose();
});

test('the labelled subset: balanced, fixed by the seed, nested across counts, never a held-out digit', () => {
  const { labels } = mnistDataset();
  const split = stratifiedSplit(labels!, HELD_OUT_SHARE, HELD_OUT_SEED);
  const a = balancedSubset(labels!, split.train, 100, 10, 3);
  assert.deepEqual([...a], [...balancedSubset(labels!, split.train, 100, 10, 3)]);
  assert.notDeepEqual([...a], [...balancedSubset(labels!, split.train, 100, 10, 4)]);
  const counts = new Array<number>(10).fill(0);
  for (const i of a) counts[labels![i]]++;
  assert.deepEqual(counts, new Array<number>(10).fill(10));
  const big = new Set(balancedSubset(labels!, split.train, 500, 10, 3));
  assert.ok([...a].every((i) => big.has(i)), 'the 100 lie inside the 500');
  const heldOut = new Set(split.heldOut);
  assert.ok([...big].every((i) => !heldOut.has(i)));
  assert.throws(() => balancedSubset(labels!, split.train, 100_000, 10, 3), /fewer than the .* use fewer --labels/);
});

test('the classifier trains without leaking tensors, and refuses an empty source', async () => {
  const set = { x: new Float32Array(4 * 784).fill(0.5), labels: Int32Array.from([0, 1, 2, 3]), count: 4 };
  const before = tf.memory().numTensors;
  const m = await trainClassifier([{ set, share: 1 }], [28, 28, 1], 10, { steps: 3, batchSize: 4, seed: 1, maxShift: 2 });
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
  const empty = { x: new Float32Array(0), labels: new Int32Array(0), count: 0 };
  await assert.rejects(trainClassifier([{ set, share: 0.5 }, { set: empty, share: 0.5 }], [28, 28, 1], 10, { steps: 1, batchSize: 4, seed: 1 }), /empty set of images/);
});

const TINY: AugmentSettings = {
  ...AUGMENT_DEFAULTS, labels: [10, 20], model: 'mlp', ganSteps: 2, ganBatch: 4, generated: 20,
  classifierSteps: 2, classifierBatch: 8, arms: ['real', 'generated', 'shifted', 'ssgan'], seed: 5,
};

test('runAugment: every arm on every label count, the same numbers on a second run, no tensor left behind', async () => {
  const data = mnistDataset();
  const tensors = tf.memory().numTensors;
  const a = await runAugment(data, TINY);
  assert.equal(tf.memory().numTensors, tensors, 'tensors left after the run');
  const b = await runAugment(data, TINY);
  const numbers = (r: typeof a) => r.rows.map((row) => ({ labels: row.labels, arms: row.arms.map((x) => [x.arm, x.accuracy]), agreement: row.gan?.labelAgreement }));
  assert.deepEqual(numbers(a), numbers(b));
  assert.deepEqual(a.rows.map((r) => r.labels), [10, 20]);
  for (const row of a.rows) {
    assert.deepEqual(row.arms.map((x) => x.arm), TINY.arms);
    for (const x of row.arms) assert.ok(x.accuracy >= 0 && x.accuracy <= 1);
    assert.equal(row.gan?.generated, 20);
  }
  assert.equal(a.heldOut.count, 999);
  const table = augmentTable(a);
  assert.match(table, /\| real labels \| real only \| real \+ generated \| real, shifted ±2 px \| ssgan classifier \| G label agreement \|/);
  assert.equal(table.split('\n').length, 4);
});

test('runAugment refuses, before training, what cannot run', async () => {
  const data = mnistDataset();
  await assert.rejects(runAugment(data, { ...TINY, labels: [5] }), /--labels 5 leaves some of the 10 classes/);
  await assert.rejects(runAugment(data, { ...TINY, arms: [] }), /at least one arm/);
  await assert.rejects(runAugment(data, { ...TINY, ganOptions: { auxiliaryWeight: -1 } }), ConfigError);
});
