import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { textDataset } from '../../src/data/text.js';
import { ring8 } from '../../src/data/mixtures.js';
import { createVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { gumbelNoise, gumbelSoftmax, temperatureAt } from '../../src/gans/gumbel.js';
import { buildSequenceGenerator, completeSequences, policyGradientLoss, shiftRight } from '../../src/gans/seqgan.js';
import { Rng } from '../../src/core/rng.js';
import { ConfigError } from '../../src/core/errors.js';
import { config, contextFor } from './helpers.js';
import { resolveConfig } from '../../src/train/config.js';

// wasm: the GRU of SeqGAN runs an order of magnitude faster there than on the cpu backend.
await initBackend('wasm');

const words = ['cat', 'dog', 'cow', 'hen', 'pig', 'ant', 'bee', 'elk', 'fox', 'gnu', 'owl', 'yak', 'emu', 'ram', 'eel'];
const data = textDataset('tiny', words, 4);
const small = { data: 'tiny', model: 'text-resnet' as const, hidden: [8, 1], latentDim: 4, batchSize: 6, seed: 3 };

test('WGAN-GP LM: the critic reads one-hot reals, softmax fakes of the same shape, and the penalty their mixture', () => {
  const v = createVariant(config({ ...small, variant: 'gan', loss: { type: 'wgan-gp' }, criticSteps: 1 }, data), data);
  const D = v.models().discriminator;
  const seen: Float32Array[] = [];
  const shapes: number[][] = [];
  const apply = D.apply.bind(D);
  D.apply = ((x: tf.Tensor, kwargs?: object) => {
    shapes.push(x.shape);
    seen.push(Float32Array.from(x.dataSync()));
    return apply(x, kwargs);
  }) as typeof D.apply;
  v.trainIteration(contextFor(data, 6, 0, 3));
  D.apply = apply;
  v.dispose();
  const [L, V] = data.shape;
  // Critic step: real, fake, then the penalty's x̂ (the generator step judges one more fake).
  assert.ok(seen.length >= 3);
  for (const s of shapes.slice(0, 3)) assert.deepEqual(s, [6, L, V]);
  const [real, fake, mix] = seen;
  const rows = (x: Float32Array) => Array.from({ length: 6 * L }, (_, r) => x.subarray(r * V, (r + 1) * V));
  for (const row of rows(real)) {
    assert.equal(row.reduce((a, b) => a + b, 0), 1);
    assert.ok(row.every((p) => p === 0 || p === 1), 'reals are one-hot');
  }
  for (const row of rows(fake)) {
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.ok(row.every((p) => p > 0 && p < 1), 'fakes are a softmax, never a hard sample');
  }
  // x̂ = ε·real + (1 − ε)·fake with one ε per sequence.
  const per = L * V;
  for (let i = 0; i < 6; i++) {
    let eps = NaN;
    for (let j = i * per; j < (i + 1) * per; j++) {
      const d = real[j] - fake[j];
      if (Math.abs(d) < 0.1) continue;
      const e = (mix[j] - fake[j]) / d;
      if (Number.isNaN(eps)) eps = e;
      assert.ok(Math.abs(e - eps) < 1e-4, `sample ${i}: one ε for every entry`);
    }
    assert.ok(eps >= 0 && eps <= 1);
  }
});

test('Gumbel-softmax: its mean tends to the softmax as the temperature falls', () => {
  const logits = tf.tensor2d([[1.5, 0.2, -1, 0.4]]);
  const target = tf.softmax(logits).dataSync();
  const n = 4000;
  const errorAt = (tau: number) =>
    tf.tidy(() => {
      const noise = gumbelNoise(new Rng(11), [n, 4]);
      const mean = tf.mean(gumbelSoftmax(tf.tile(logits, [n, 1]), noise, tau), 0).dataSync();
      return Math.max(...Array.from(mean, (m, k) => Math.abs(m - target[k])));
    });
  const hot = errorAt(5);
  const cold = errorAt(0.05);
  assert.ok(cold < 0.03, `τ = 0.05: max |E[y] − softmax| = ${cold}`);
  assert.ok(hot > 0.1, `τ = 5 flattens the samples: ${hot}`);
  logits.dispose();
});

test('Gumbel temperature schedule: τ₀·exp(−r·step), floored at τ_min', () => {
  const o = { temperature: 2, minTemperature: 0.5, annealRate: 0.01 };
  assert.equal(temperatureAt(o, 0), 2);
  assert.ok(Math.abs(temperatureAt(o, 100) - 2 * Math.exp(-1)) < 1e-12);
  assert.equal(temperatureAt(o, 1000), 0.5);
  assert.throws(() => createVariant(config({ ...small, variant: 'gumbel', options: { temprature: 1 } }, data), data), (e: Error) => e instanceof ConfigError && /unknown option 'temprature'/.test(e.message));
});

for (const [name, input] of [
  ['gan × text-resnet × wgan-gp', { variant: 'gan', loss: { type: 'wgan-gp' as const }, criticSteps: 2 }],
  ['gumbel × non-saturating', { variant: 'gumbel', options: { annealRate: 0.1 } }],
  ['gumbel × wgan-gp', { variant: 'gumbel', loss: { type: 'wgan-gp' as const }, criticSteps: 2 }],
] as const) {
  test(`${name}: trains with finite logs, the tensor count flat, and samples decode to words`, () => {
    const v = createVariant(config({ ...small, ...input }, data), data);
    let baseline = 0;
    for (let step = 0; step < 4; step++) {
      const logs = v.trainIteration(contextFor(data, 6, step, 3));
      for (const [k, x] of Object.entries(logs)) assert.ok(Number.isFinite(x), `${k} = ${x}`);
      if (step === 0) baseline = tf.memory().numTensors;
      else assert.equal(tf.memory().numTensors, baseline, `tensors after step ${step}`);
    }
    const out = tf.tidy(() => Float32Array.from(v.generate(tf.tensor2d(new Rng(5).normals(3 * 4), [3, 4])).dataSync()));
    assert.equal(out.length, 3 * data.shape[0] * data.shape[1]);
    for (const w of [0, 1, 2].map((i) => data.codec.decode(out.subarray(i * 4 * data.shape[1])))) assert.ok(w.length <= 4);
    v.dispose();
  });
}

test('text-resnet on points, and points models on text, are refused with the fix', () => {
  assert.throws(() => createVariant(config({ ...small, variant: 'gan', model: 'dcgan' }, data), data), /dcgan needs image data/);
  const points = ring8();
  assert.throws(() => createVariant(config({ ...small, data: 'ring8', variant: 'gan' }, points), points), /text-resnet needs text data .*--data words/);
  assert.throws(() => createVariant(config({ ...small, data: 'ring8', variant: 'gumbel' }, points), points), /text-resnet needs text data/);
});

test('gumbel and seqgan refuse a --model they would ignore; text data defaults to text-resnet', () => {
  for (const variant of ['gumbel', 'seqgan']) {
    for (const model of ['dcgan', 'mlp', 'resnet'] as const) {
      assert.throws(() => createVariant(config({ ...small, variant, model }, data), data), (e: Error) => e instanceof ConfigError && new RegExp(`--variant ${variant} builds its own networks .*--model ${model} would not change them; drop --model or use --model text-resnet`).test(e.message));
    }
    const { model: _, ...noModel } = small;
    const resolved = resolveConfig({ ...noModel, variant }, 'text');
    assert.equal(resolved.model, 'text-resnet');
    createVariant(resolved, data).dispose();
  }
  assert.equal(resolveConfig({ data: 'mnist' }, 'images').model, 'dcgan');
});

test('SeqGAN: the policy gradient is the REINFORCE estimator; averaged over G it is −∇E[reward]', () => {
  const theta = tf.variable(tf.tensor3d([[[0.3, -0.2, 1.1]]]));
  const reward = [2, -1, 0.5];
  const p = tf.softmax(theta).dataSync();
  // One draw of token k with reward r: ∇θ = −r·(onehot(k) − softmax(θ)).
  const gradFor = (k: number) =>
    tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => policyGradientLoss(t as tf.Tensor3D, tf.tensor2d([[k]], [1, 1], 'int32'), tf.tensor2d([[reward[k]]])))(theta).dataSync()));
  for (let k = 0; k < 3; k++) gradFor(k).forEach((g, j) => assert.ok(Math.abs(g - -reward[k] * ((j === k ? 1 : 0) - p[j])) < 1e-6));
  // E_k~p[∇] = −∇ Σ p_k r_k = −p ⊙ (r − E[r]).
  const mean = reward.reduce((a, r, k) => a + p[k] * r, 0);
  const expected = [0, 1, 2].map((j) => -p[j] * (reward[j] - mean));
  const averaged = [0, 1, 2].map((j) => [0, 1, 2].reduce((a, k) => a + p[k] * gradFor(k)[j], 0));
  averaged.forEach((g, j) => assert.ok(Math.abs(g - expected[j]) < 1e-6, `${g} vs ${expected[j]}`));
  theta.dispose();
});

test('SeqGAN: roll-outs keep each prefix and complete the rest', () => {
  const G = buildSequenceGenerator(4, 5, { embedding: 3, units: 4 });
  const tokens = Int32Array.from([1, 2, 3, 4, 4, 3, 2, 1]);
  const done = completeSequences(G, tokens, Int32Array.from([2, 4]), 4, 5, new Rng(1));
  assert.deepEqual(Array.from(done.subarray(0, 2)), [1, 2]);
  assert.deepEqual(Array.from(done.subarray(4)), [4, 3, 2, 1]);
  assert.ok(Array.from(done).every((k) => k >= 0 && k < 5));
  assert.deepEqual(Array.from(shiftRight(Int32Array.from([1, 2, 3]), 3, 9)), [9, 1, 2]);
  G.dispose();
});

for (const pretrainSteps of [2, 0]) {
  test(`seqgan (${pretrainSteps ? 'MLE pre-training, then' : 'straight to'} policy gradient): finite logs, flat tensor count`, () => {
    const v = createVariant(config({ ...small, variant: 'seqgan', options: { pretrainSteps, rollouts: 2, embedding: 4, units: 8 } }, data), data);
    let baseline = 0;
    let seen = new Set<string>();
    for (let step = 0; step < 4; step++) {
      const logs = v.trainIteration(contextFor(data, 6, step, 3));
      seen = new Set([...seen, ...Object.keys(logs)]);
      for (const [k, x] of Object.entries(logs)) assert.ok(Number.isFinite(x), `${k} = ${x}`);
      if (step === 0) baseline = tf.memory().numTensors;
      else assert.equal(tf.memory().numTensors, baseline, `tensors after step ${step}`);
    }
    assert.ok(seen.has('g_policy'));
    assert.equal(seen.has('g_nll'), pretrainSteps > 0);
    v.dispose();
  });
}

test('a text run end to end: text:FILE trains, evaluates with the n-gram metrics, and gankit sample writes .txt', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startRun, trainRun } = await import('../../src/train/run.js');
  const { sampleCommand } = await import('../../src/cli/sample.js');
  const dir = mkdtempSync(join(tmpdir(), 'gankit-textrun-'));
  const corpus = join(dir, 'animals.txt');
  writeFileSync(corpus, words.join('\n') + '\n');
  const run = startRun({ ...small, data: `text:${corpus}@4`, variant: 'gumbel', steps: 2, sampleEvery: 1, checkpointEvery: 2, gridSize: 5 }, join(dir, 'run'));
  await trainRun(run, { quiet: true });
  assert.deepEqual(readdirSync(join(dir, 'run', 'samples')).sort(), ['step-000000.txt', 'step-000001.txt', 'step-000002.txt']);
  const evaluation = JSON.parse(readFileSync(join(dir, 'run', 'eval.json'), 'utf8'));
  assert.equal(evaluation.samples, 1000);
  for (const k of ['js1', 'js2', 'js3', 'js4', 'held_out_word_share', 'train_word_share', 'distinct']) assert.equal(typeof evaluation[k], 'number', k);
  const out = join(dir, 'words.txt');
  assert.equal(await sampleCommand(['--run', join(dir, 'run'), '--n', '7', '--out', out]), 0);
  const lines = readFileSync(out, 'utf8').split('\n');
  assert.equal(lines.length, 8);
  assert.ok(lines.slice(0, 7).every((w) => w.length <= 4 && /^[a-z]*$/.test(w)));
  await assert.rejects(sampleCommand(['--run', join(dir, 'run'), '--n', '7', '--out', join(dir, 'x.png')]), /is a text run: use --out FILE.txt/);
  run.variant.dispose();
  // A run folder from before text data had its own default recorded dcgan, which gumbel never read: it still opens.
  const { openRun } = await import('../../src/train/run.js');
  const configPath = join(dir, 'run', 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), model: 'dcgan' }));
  const reopened = await openRun(join(dir, 'run'));
  assert.equal(reopened.config.model, 'text-resnet');
  assert.equal(reopened.startStep, 2);
  reopened.variant.dispose();
});
