import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { loadBundledDigits } from '../../src/data/mnist.js';
import { gatherDigits, stratifiedSplit } from '../../src/metrics/classifier.js';
import { NO_CAPABILITIES } from '../../src/gans/types.js';
import type { InfoGanVariant } from '../../src/gans/infogan.js';
import { codePurity, labelAgreement } from '../../src/train/evaluate-conditional.js';

const digits = loadBundledDigits();
// 200 of the classifier's held-out digits, in [0, 1] as samples are.
const { x: unit, y } = gatherDigits(digits.images, digits.labels, stratifiedSplit(digits.labels, 0.1, 1).heldOut.subarray(0, 200));
const modelSpace = unit.map((v) => v * 2 - 1);
const byClass = Array.from({ length: 10 }, (_, k) => [...y.keys()].filter((i) => y[i] === k));

before(async () => {
  await initBackend();
});

test('label agreement: real digits with their labels agree, with shifted labels they do not', async () => {
  const right = await labelAgreement(unit, y);
  assert.ok((right.label_accuracy as number) > 0.95, `accuracy ${right.label_accuracy}`);
  assert.ok((right.label_accuracy_min as number) > 0.8);
  for (let k = 0; k < 10; k++) assert.equal(typeof right[`label_accuracy_${k}`], 'number');
  const wrong = await labelAgreement(unit, y.map((v) => (v + 1) % 10));
  assert.ok((wrong.label_accuracy as number) < 0.05, `accuracy ${wrong.label_accuracy}`);
});

/** A stand-in InfoGAN whose code value c draws real digits of class classOf(c). */
function fakeInfoGan(classOf: (code: number) => number): InfoGanVariant {
  return {
    name: 'infogan',
    latentDim: 4,
    dataShape: [28, 28, 1],
    capabilities: { ...NO_CAPABILITIES, labels: 10, codes: true },
    codes: { categorical: [10], continuous: 2 },
    generateWithCodes(z: tf.Tensor2D, codes: { categorical: Int32Array[] }) {
      const n = z.shape[0];
      const out = new Float32Array(n * 784);
      codes.categorical[0].forEach((c, i) => {
        const pool = byClass[classOf(c)];
        const k = pool[i % pool.length];
        out.set(modelSpace.subarray(k * 784, (k + 1) * 784), i * 784);
      });
      return tf.tensor4d(out, [n, 28, 28, 1]);
    },
  } as unknown as InfoGanVariant;
}

test('code purity: a code that picks the digit is pure and reaches every class; one that merges classes is not', async () => {
  const oneToOne = await codePurity(fakeInfoGan((c) => (c * 3) % 10), 200, 0, 206);
  assert.ok((oneToOne.code_purity as number) > 0.95, `purity ${oneToOne.code_purity}`);
  assert.equal(oneToOne.code_classes_distinct, 10);
  // Two code values per digit: each value is still pure, but only 5 classes are reached.
  const merged = await codePurity(fakeInfoGan((c) => Math.floor(c / 2)), 200, 0, 206);
  assert.ok((merged.code_purity as number) > 0.9);
  assert.equal(merged.code_classes_distinct, 5);
  const before = tf.memory().numTensors;
  await codePurity(fakeInfoGan((c) => c), 100, 0, 206);
  assert.equal(tf.memory().numTensors, before, 'codePurity leaks no tensors');
});
