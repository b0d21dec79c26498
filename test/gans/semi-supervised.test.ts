import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { loadBundledDigits } from '../../src/data/mnist.js';
import { storedDataset, unitToModel } from '../../src/data/stored.js';
import { ring8 } from '../../src/data/mixtures.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { buildSemiSupervisedGan, drawLabelledSet, hasClassifier, type ClassifierVariant } from '../../src/gans/semi-supervised.js';
import { createVariant } from '../../src/gans/registry.js';
import { accuracy } from '../../src/nn/label-embedding.js';
import type { Dataset } from '../../src/data/types.js';
import type { IterationContext } from '../../src/gans/types.js';
import { iterationRng } from '../../src/core/streams.js';

before(async () => {
  await initBackend('wasm');
});

function context(step: number, data: Dataset, batchSize: number, seed: number): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

/** Bundled digits, 2×2 average-pooled to 14×14 to keep the test fast on two cores. */
function pooledDigits(): { train: Dataset; testX: Float32Array; testY: Int32Array; side: number } {
  const side = 14;
  const { images, labels, count } = loadBundledDigits();
  const pooled = new Float32Array(count * side * side);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const at = i * 784 + 2 * r * 28 + 2 * c;
        pooled[i * side * side + r * side + c] = (images[at] + images[at + 1] + images[at + 28] + images[at + 29]) / 4;
      }
    }
  }
  const x = unitToModel(pooled);
  const nTrain = 8000;
  const per = side * side;
  // The last 2,000 digits are held out: neither their images nor their labels are trained on.
  const train = storedDataset({ name: 'digits14', kind: 'images', shape: [side, side, 1], x: x.subarray(0, nTrain * per), labels: labels.subarray(0, nTrain), numClasses: 10 });
  return { train, testX: x.subarray(nTrain * per, count * per), testY: labels.subarray(nTrain, count), side };
}

const STEPS = Number(process.env.SSGAN_TEST_STEPS ?? 600);
const EVAL_AT = [STEPS - 200, STEPS - 100, STEPS];

/** Trains and returns held-out accuracy at each EVAL_AT step. */
function trainAndScore(unsupervisedWeight: number, digits: ReturnType<typeof pooledDigits>): { accuracies: number[]; leaked: number } {
  const config = resolveConfig(
    {
      variant: 'ssgan', data: 'digits14', model: 'mlp', hidden: [128, 256], latentDim: 32, steps: STEPS, batchSize: 64, seed: 1,
      optimizerG: { type: 'adam', learningRate: 1e-3 }, optimizerD: { type: 'adam', learningRate: 1e-3 },
      // G plays the adversarial game (Odena 2016): at this short budget it helps the classifier sooner than
      // feature matching, which the paper (and configs/ssgan-mnist.json) use for long runs.
      options: { labelled: 100, unsupervisedWeight, accuracyEvery: 0, generatorObjective: 'adversarial' },
    },
    'images',
  );
  const v: ClassifierVariant = buildSemiSupervisedGan(config, digits.train);
  const n = digits.testY.length;
  const testX = tf.tensor(digits.testX, [n, digits.side, digits.side, 1]);
  const accuracies: number[] = [];
  v.trainIteration(context(0, digits.train, 64, 1));
  const tensors = tf.memory().numTensors;
  for (let step = 1; step < STEPS; step++) {
    v.trainIteration(context(step, digits.train, 64, 1));
    if (EVAL_AT.includes(step + 1)) {
      const logits = v.classify(testX);
      accuracies.push(accuracy(logits, digits.testY));
      logits.dispose();
    }
  }
  const leaked = tf.memory().numTensors - tensors;
  testX.dispose();
  v.dispose();
  return { accuracies, leaked };
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

test('ssgan with 100 labels beats the same classifier trained on the same 100 labels alone', (t) => {
  const digits = pooledDigits();
  // The baseline is the same network, initialisation, labelled batches, optimizer and steps:
  // ssgan with the unsupervised (real vs generated) term switched off.
  const baseline = trainAndScore(0, digits);
  const ssgan = trainAndScore(1, digits);
  t.diagnostic(`held-out accuracy at steps ${EVAL_AT}: labels alone ${baseline.accuracies}, ssgan ${ssgan.accuracies}`);
  assert.equal(ssgan.leaked, 0, 'ssgan training leaked tensors');
  assert.equal(baseline.leaked, 0, 'baseline training leaked tensors');
  assert.ok(mean(ssgan.accuracies) > mean(baseline.accuracies) + 0.01, `ssgan ${mean(ssgan.accuracies)} vs labels alone ${mean(baseline.accuracies)}`);
});

test('the labelled set is balanced, deterministic and the only labels the classifier is trained on', () => {
  const data = ring8();
  const a = drawLabelledSet(data, 20, 8, 3);
  const b = drawLabelledSet(data, 20, 8, 3);
  assert.deepEqual([...a.labels], [...b.labels]);
  const counts = new Array<number>(8).fill(0);
  for (const y of a.labels) counts[y]++;
  assert.deepEqual(counts, [3, 3, 3, 3, 2, 2, 2, 2]);
  assert.throws(() => buildSemiSupervisedGan(resolveConfig({ variant: 'ssgan', data: 'ring8', model: 'mlp', options: { labelled: 5 } }, 'points'), data), /leaves some of the 8 classes/);
  assert.throws(() => buildSemiSupervisedGan(resolveConfig({ variant: 'ssgan', data: 'ring8', model: 'mlp', loss: { type: 'hinge' } }, 'points'), data), ConfigError);
});

test('ssgan builds from the registry, logs its accuracy, classifies, and dcgan-shaped nets train without leaks', () => {
  const n = 40;
  const images = storedDataset({ name: 'noise', kind: 'images', shape: [28, 28, 1], x: new Rng(3).uniforms(n * 784, -1, 1), labels: Int32Array.from({ length: n }, (_, i) => i % 10), numClasses: 10 });
  const config = resolveConfig({ variant: 'ssgan', data: 'noise', model: 'dcgan', latentDim: 8, steps: 2, batchSize: 4, seed: 2, options: { labelled: 10, accuracyEvery: 2, accuracySamples: 8 } }, 'images');
  const v = createVariant(config, images);
  assert.ok(hasClassifier(v));
  v.trainIteration(context(0, images, 4, 2));
  const tensors = tf.memory().numTensors;
  const logs = v.trainIteration(context(1, images, 4, 2));
  assert.equal(tf.memory().numTensors, tensors, 'leaked tensors');
  assert.ok(logs.class_accuracy >= 0 && logs.class_accuracy <= 1, `class_accuracy ${logs.class_accuracy}`);
  const x = tf.zeros([3, 28, 28, 1]);
  const logits = v.classify(x);
  assert.deepEqual(logits.shape, [3, 10]);
  tf.dispose([x, logits]);
  v.dispose();
});

test('ssgan is reproducible: its noise layers draw from the seeded step streams', () => {
  const data = ring8();
  const run = () => {
    const config = resolveConfig({ variant: 'ssgan', data: 'ring8', model: 'mlp', hidden: [16, 16], steps: 3, batchSize: 16, seed: 4, options: { labelled: 16, accuracyEvery: 0 } }, 'points');
    const v = buildSemiSupervisedGan(config, data);
    for (let step = 0; step < 3; step++) v.trainIteration(context(step, data, 16, 4));
    const x = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
    const logits = v.classify(x);
    const values = [...logits.dataSync()];
    tf.dispose([x, logits]);
    v.dispose();
    return values;
  };
  assert.deepEqual(run(), run());
});
