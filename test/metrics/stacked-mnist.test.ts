import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadFeatureClassifier, type FeatureClassifier } from '../../src/metrics/classifier.js';
import { stackedMnistModes } from '../../src/metrics/stacked-mnist.js';
import { stackedMnistDataset, stackedMnistSamples, tripleToMode } from '../../src/data/stacked-mnist.js';
import { Rng } from '../../src/train/rng.js';

let classifier: FeatureClassifier;
before(async () => {
  await tf.setBackend('cpu');
  classifier = await loadFeatureClassifier();
});

test('the data set: 28×28×3 in [-1, 1], labels are the triple modes, deterministic by seed', () => {
  const data = stackedMnistDataset();
  assert.deepEqual(data.shape, [28, 28, 3]);
  assert.equal(data.numClasses, 1000);
  const a = data.sample(4, new Rng(1));
  const b = data.sample(4, new Rng(1));
  assert.deepEqual(a.x, b.x);
  assert.equal(a.x.length, 4 * 28 * 28 * 3);
  assert.ok(a.x.every((v) => v >= -1 && v <= 1));
  assert.ok(a.labels && a.labels.every((m) => m >= 0 && m < 1000));
  assert.equal(tripleToMode(3, 0, 7), 307);
  assert.throws(() => stackedMnistDataset({ modes: [1000] }), /outside 0\.\.999/);
});

test('real stacked samples cover most modes, near the sampling floor of KL', async () => {
  const n = 1000;
  // All bundled digits: the held-out tail alone has no 5 at all (the classes have unequal sizes).
  const { images } = stackedMnistSamples(n, new Rng(2));
  const r = await stackedMnistModes(images, { classifier });
  assert.equal(r.n, n);
  // Perfect data at N = 1,000 covers about 1000·(1 − 1/e) ≈ 632 modes with plug-in KL ≈ 0.57;
  // misclassified channels (≈ 3% of images have one) move a few samples between modes.
  assert.ok(r.modesCovered > 580, `covered ${r.modesCovered}`);
  assert.ok(r.klToUniform < 0.7, `KL ${r.klToUniform}`);
  assert.ok(r.warnings.some((w) => /26,000/.test(w)));
});

test('a data set restricted to 10 triples: at most those modes are found and KL ≈ log 100', async () => {
  const kept = [0, 111, 222, 333, 444, 555, 666, 777, 888, 999];
  const { images } = stackedMnistSamples(300, new Rng(3), { modes: kept, digitRange: [0, 9000] });
  const r = await stackedMnistModes(images, { classifier });
  // Misclassified channels can add a few stray modes; nearly all mass stays on the kept ones.
  let onKept = 0;
  for (const m of kept) onKept += r.counts[m];
  assert.ok(onKept / r.n > 0.95, `share on kept modes ${onKept / r.n}`);
  assert.ok(r.modesCovered >= 10 && r.modesCovered < 25, `covered ${r.modesCovered}`);
  assert.ok(Math.abs(r.klToUniform - Math.log(100)) < 0.3, `KL ${r.klToUniform}`);
});
