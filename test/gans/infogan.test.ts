import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { storedDataset } from '../../src/data/stored.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { buildInfoGan, codeTensor, infoLoss, isInfoGan, type InfoGanVariant } from '../../src/gans/infogan.js';
import { createVariant } from '../../src/gans/registry.js';
import { roundRobinLabels } from '../../src/nn/label-embedding.js';
import type { IterationContext } from '../../src/gans/types.js';
import { iterationRng } from '../../src/core/streams.js';

before(async () => {
  await initBackend('wasm');
});

function context(step: number, data: IterationContext['data'], batchSize: number, seed: number): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

const STEPS = 400;

function trainRing8(infoWeight: number, seed = 1): { v: InfoGanVariant; leaked: number } {
  const data = ring8();
  const config = resolveConfig(
    { variant: 'infogan', data: 'ring8', model: 'mlp', hidden: [64, 64], steps: STEPS, batchSize: 64, seed, options: { categoricalCodes: [8], continuousCodes: 0, infoWeight } },
    'points',
  );
  const v = buildInfoGan(config, data);
  v.trainIteration(context(0, data, 64, seed));
  const tensors = tf.memory().numTensors;
  for (let step = 1; step < STEPS; step++) v.trainIteration(context(step, data, 64, seed));
  return { v, leaked: tf.memory().numTensors - tensors };
}

/** For each value of the categorical code: the ring8 mode most of its samples land on, and that share. */
function modesPerCode(v: InfoGanVariant, n = 200): { dominant: number[]; purity: number[] } {
  const data = ring8();
  const dominant: number[] = [];
  const purity: number[] = [];
  for (let code = 0; code < 8; code++) {
    const z = tf.tensor2d(new Rng(9).normals(n * v.latentDim), [n, v.latentDim]);
    const out = v.generateWithCodes(z, { categorical: [new Int32Array(n).fill(code)], continuous: new Float32Array(0) });
    const x = out.dataSync();
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = Infinity;
      data.modes.forEach((m, j) => {
        const d = (x[2 * i] - m[0]) ** 2 + (x[2 * i + 1] - m[1]) ** 2;
        if (d < bestDistance) [best, bestDistance] = [j, d];
      });
      counts[best]++;
    }
    const top = counts.indexOf(Math.max(...counts));
    dominant.push(top);
    purity.push(counts[top] / n);
    tf.dispose([z, out]);
  }
  return { dominant, purity };
}

test('infogan on ring8: the 8 values of the categorical code land on at least 6 distinct modes', (t) => {
  const { v, leaked } = trainRing8(1);
  assert.equal(leaked, 0, 'training leaked tensors');
  const { dominant, purity } = modesPerCode(v);
  const distinct = new Set(dominant).size;
  t.diagnostic(`code value → dominant mode: ${dominant}; purity ${purity}`);
  assert.ok(distinct >= 6, `code values map to only ${distinct} distinct modes: ${dominant}`);
  const meanPurity = purity.reduce((a, b) => a + b, 0) / 8;
  assert.ok(meanPurity > 0.8, `samples of one code value scatter over modes (purity ${meanPurity})`);
  v.dispose();
});

test('infogan: without the mutual-information term (λ = 0) the code does not pick modes', (t) => {
  // The control: same seed, nets and steps; only λ differs. G is then free to ignore c.
  const { v } = trainRing8(0);
  const { dominant, purity } = modesPerCode(v);
  const meanPurity = purity.reduce((a, b) => a + b, 0) / 8;
  t.diagnostic(`λ = 0: code value → dominant mode: ${dominant}; mean purity ${meanPurity}`);
  assert.ok(meanPurity < 0.6, `with λ = 0 code values still look like modes (purity ${meanPurity}, modes ${dominant})`);
  v.dispose();
});

test('infoLoss: cross-entropy per categorical code and ½(c − μ)² for continuous codes', () => {
  const layout = { categorical: [2, 3], continuous: 1 };
  const c = codeTensor(layout, { categorical: [Int32Array.from([1]), Int32Array.from([0])], continuous: Float32Array.from([0.5]) }, 1);
  assert.deepEqual([...c.dataSync()], [0, 1, 1, 0, 0, 0.5]);
  const q = tf.tensor2d([[0, 0, 0, 0, 0, -0.5]]);
  const { categorical, continuous } = infoLoss(layout, q, c);
  assert.ok(Math.abs(categorical.dataSync()[0] - (Math.log(2) + Math.log(3))) < 1e-5);
  assert.ok(Math.abs(continuous.dataSync()[0] - 0.5) < 1e-6);
  tf.dispose([c, q, categorical, continuous]);
});

test('infogan: dcgan-shaped nets with categorical and continuous codes train without leaks; --label sets the first code', () => {
  const n = 16;
  const digits = storedDataset({ name: 'digits', kind: 'images', shape: [28, 28, 1], x: new Rng(3).uniforms(n * 784, -1, 1), labels: roundRobinLabels(n, 10), numClasses: 10 });
  const config = resolveConfig({ variant: 'infogan', data: 'digits', model: 'dcgan', latentDim: 16, steps: 2, batchSize: 4, seed: 2 }, 'images');
  const v = createVariant(config, digits);
  assert.ok(isInfoGan(v));
  assert.deepEqual(v.codes, { categorical: [10], continuous: 2 });
  v.trainIteration(context(0, digits, 4, 2));
  const tensors = tf.memory().numTensors;
  v.trainIteration(context(1, digits, 4, 2));
  assert.equal(tf.memory().numTensors, tensors, 'leaked tensors');
  const z = tf.zeros([2, 16]) as tf.Tensor2D;
  const viaLabel = v.generate(z, tf.tensor1d([3, 3], 'int32'));
  const viaCodes = v.generateWithCodes(z, { categorical: [Int32Array.from([3, 3])], continuous: new Float32Array(4) });
  assert.deepEqual([...viaLabel.dataSync()], [...viaCodes.dataSync()]);
  const q = v.inferCodes(viaLabel);
  assert.deepEqual(q.shape, [2, 12]);
  tf.dispose([z, viaLabel, viaCodes, q]);
  v.dispose();
  assert.throws(
    () => buildInfoGan(resolveConfig({ variant: 'infogan', data: 'ring8', model: 'mlp', options: { categoricalCodes: [], continuousCodes: 0 } }, 'points'), ring8()),
    ConfigError,
  );
  assert.throws(
    () => buildInfoGan(resolveConfig({ variant: 'infogan', data: 'ring8', model: 'mlp', options: { infoWeight: -1 } }, 'points'), ring8()),
    /options\.infoWeight/,
  );
});
