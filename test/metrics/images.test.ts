import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { argmaxRows, classifierFeatures, classifierProbs, gatherDigits, loadFeatureClassifier, stratifiedSplit, type FeatureClassifier } from '../../src/metrics/classifier.js';
import { classHistogram, imageMetrics } from '../../src/metrics/images.js';
import { loadBundledDigits } from '../../src/data/mnist.js';
import { Rng } from '../../src/train/rng.js';

let classifier: FeatureClassifier;
const digits = loadBundledDigits();
// The classifier's own split: 10% of every class held out (as scripts/train-classifier.ts).
const split = stratifiedSplit(digits.labels, 0.1, 1);
const gather = (idx: Int32Array) => gatherDigits(digits.images, digits.labels, idx);
const { x: heldOut, y: heldOutLabels } = gather(split.heldOut);
// The image-metric tests score 500 samples per set to stay fast on a shared CPU.
const N = 500;
const trainPart = gather(split.train.subarray(0, N)).x;

before(async () => {
  // The conv classifier on TF.js's cpu backend takes minutes here; the fastest backend
  // (native when built, else wasm or cpu) gives the same predictions to float precision.
  await initBackend();
  classifier = await loadFeatureClassifier();
});

test('the committed classifier reaches its recorded held-out accuracy (≥ 97%) on the fastest backend', () => {
  const record = classifier.record;
  assert.ok(record.heldOutAccuracy >= 0.97, `recorded ${record.heldOutAccuracy}`);
  const predicted = argmaxRows(classifierProbs(classifier, heldOut));
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === heldOutLabels[i]) correct++;
  assert.equal(predicted.length, record.heldOutCount);
  assert.ok(Math.abs(correct / predicted.length - record.heldOutAccuracy) <= 0.002, `measured ${correct / predicted.length}, recorded ${record.heldOutAccuracy}`);
  // Stratified: every class is held out, in its data proportion.
  const perClass = new Array<number>(10).fill(0);
  heldOutLabels.forEach((y) => perClass[y]++);
  assert.ok(perClass.every((c) => c >= 80), `held-out digits per class ${perClass}`);
  const features = classifierFeatures(classifier, heldOut.subarray(0, 10 * 784));
  assert.equal(features.length, 10 * classifier.featureDim);
});

test('class histogram: counts, coverage and KL to uniform', () => {
  const h = classHistogram(Int32Array.from([0, 0, 1, 1]), 4);
  assert.deepEqual(h.counts, [2, 2, 0, 0]);
  assert.equal(h.covered, 2);
  assert.ok(Math.abs(h.klToUniform - Math.log(2)) < 1e-12);
});

test('real held-out digits score near the floor; noise and a digit-dropping set far from it', async () => {
  const tensorsBefore = tf.memory().numTensors;
  const opts = { classifier, kidSubsets: 10, kidSubsetSize: 250, seed: 1 };
  const reference = trainPart;
  const real = await imageMetrics(reference, heldOut.subarray(0, N * 784), opts);
  assert.equal(real.nReal, N);
  assert.equal(real.nFake, N);
  assert.equal(real.featureDim, 64);
  const rng = new Rng(8);
  const noise = await imageMetrics(reference, rng.uniforms(N * 784), opts);
  assert.ok(real.frechet !== null && noise.frechet !== null);
  assert.ok(real.frechet.value < 0.05 * noise.frechet.value, `FD real ${real.frechet.value}, noise ${noise.frechet.value}`);
  assert.ok(real.kid.mean < 0.05 * noise.kid.mean, `KID real ${real.kid.mean}, noise ${noise.kid.mean}`);
  assert.ok(real.precisionRecall.precision > 0.7 && real.precisionRecall.recall > 0.7, JSON.stringify(real.precisionRecall));
  assert.ok(noise.precisionRecall.precision < 0.05, JSON.stringify(noise.precisionRecall));
  assert.ok(Math.abs(real.densityCoverage.density - 1) < 0.3 && real.densityCoverage.coverage > 0.7, JSON.stringify(real.densityCoverage));
  assert.ok(noise.densityCoverage.coverage < 0.05, JSON.stringify(noise.densityCoverage));
  assert.ok(Math.abs(real.fakeClasses.klToUniform - real.realClasses.klToUniform) < 0.02, `KL ${real.fakeClasses.klToUniform} vs ${real.realClasses.klToUniform}`);

  // Only digits 0–4 (from a balanced stretch): five classes covered, KL ≈ log 2, coverage about halved.
  const low: number[] = [];
  for (let i = 1000; i < 1000 + N; i++) if (digits.labels[i] < 5) low.push(i);
  const dropped = new Float32Array(low.length * 784);
  low.forEach((src, dst) => dropped.set(digits.images.subarray(src * 784, (src + 1) * 784), dst * 784));
  const half = await imageMetrics(trainPart, dropped, opts);
  assert.ok(half.fakeClasses.covered <= 6, `covered ${half.fakeClasses.covered}`);
  assert.ok(Math.abs(half.fakeClasses.klToUniform - Math.log(2)) < 0.05, `KL ${half.fakeClasses.klToUniform}`);
  assert.ok(half.densityCoverage.coverage < 0.65, JSON.stringify(half.densityCoverage));
  assert.ok(half.frechet !== null && half.frechet.value > 2 * real.frechet.value, `FD half ${half.frechet?.value}, real ${real.frechet.value}`);
  assert.ok(half.warnings.some((w) => /unequal sample sizes/.test(w)));
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('warnings: small N for the feature size, and images in [-1, 1]', async () => {
  const small = heldOut.subarray(0, 100 * 784);
  const shifted = Float32Array.from(small, (v) => v * 2 - 1);
  const r = await imageMetrics(trainPart.subarray(0, 100 * 784), shifted, { classifier, kidSubsets: 2 });
  assert.ok(r.warnings.some((w) => /2 × feature size/.test(w)), r.warnings.join('\n'));
  assert.ok(r.warnings.some((w) => /\[-1, 1\]/.test(w)), r.warnings.join('\n'));
});

test('stratifiedSplit: disjoint, complete, the same share of every class, deterministic', () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 10 < 3 ? 0 : (i % 9) + 1);
  const a = stratifiedSplit(labels, 0.1, 3);
  const b = stratifiedSplit(labels, 0.1, 3);
  assert.deepEqual(a, b);
  const seen = new Set<number>([...a.train, ...a.heldOut]);
  assert.equal(seen.size, 1000);
  assert.equal(a.train.length + a.heldOut.length, 1000);
  for (let k = 0; k < 10; k++) {
    const all = labels.filter((y) => y === k).length;
    const held = Array.from(a.heldOut).filter((i) => labels[i] === k).length;
    assert.equal(held, Math.round(all * 0.1), `class ${k}`);
  }
  assert.notDeepEqual(stratifiedSplit(labels, 0.1, 4).heldOut, a.heldOut);
});
