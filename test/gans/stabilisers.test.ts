import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { ring8 } from '../../src/data/mixtures.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { buildGan } from '../../src/gans/gan.js';
import { STREAM } from '../../src/gans/types.js';
import { needsOwnStatistics, refreshEmaStatistics, updateEma } from '../../src/gans/ema.js';
import { discriminatorFeatures, featureMatchingLoss, pack, TTUR_OPTIMIZERS, withTtur } from '../../src/gans/stabilisers.js';
import { nonSaturating } from '../../src/losses/goodfellow.js';
import { r1Penalty } from '../../src/losses/penalties.js';
import { ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import { config, contextFor, maxDiff, train, weightValues } from './helpers.js';

await initBackend('wasm');

const data = ring8();
const small = { data: 'ring8', model: 'mlp' as const, hidden: [16, 16], batchSize: 16, seed: 3 };

test('one-sided label smoothing: D\'s loss with realLabel 0.9 on fixed logits is −E[0.9 log σ(r) + 0.1 log(1−σ(r))] − E[log(1−σ(f))]', () => {
  const r = [2, -1, 0.5];
  const f = [-3, 0.2];
  const loss = nonSaturating({ realLabel: 0.9 }).discriminator(tf.tensor1d(r), tf.tensor1d(f));
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const expected = -r.reduce((s, x) => s + 0.9 * Math.log(sig(x)) + 0.1 * Math.log(1 - sig(x)), 0) / r.length - f.reduce((s, x) => s + Math.log(1 - sig(x)), 0) / f.length;
  assert.ok(Math.abs(loss.dataSync()[0] - expected) < 1e-5, `${loss.dataSync()[0]} vs ${expected}`);
  loss.dispose();
  // Through the config: the first D step of a run with realLabel 0.9 logs that formula on D's outputs.
  const v = buildGan(config({ ...small, realLabel: 0.9 }, data), data);
  const ctx = contextFor(data, 16, 0, 3);
  const real = tf.tensor2d(data.sample(16, ctx.rng(STREAM.data, 0)).x, [16, 2]);
  const z = tf.tensor2d(ctx.rng(STREAM.latent, 0).normals(16 * 2), [16, 2]);
  const ro = Array.from(v.discriminate(real).dataSync());
  const fo = Array.from(v.discriminate(v.generate(z)).dataSync());
  const want = -ro.reduce((s, x) => s + 0.9 * Math.log(sig(x)) + 0.1 * Math.log(1 - sig(x)), 0) / 16 - fo.reduce((s, x) => s + Math.log(1 - sig(x)), 0) / 16;
  const logs = v.trainIteration(ctx);
  assert.ok(Math.abs(logs.d_loss - want) < 1e-4, `logged ${logs.d_loss} vs ${want}`);
  tf.dispose([real, z]);
  v.dispose();
});

test('R1 on a linear critic is ‖w‖² exactly, and on an MLP critic matches finite differences', () => {
  const w = [0.5, -2, 1.5];
  const linear = (x: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, tf.tensor2d(w, [3, 1])), 0.7);
  const x = tf.tensor2d(new Rng(1).normals(12), [4, 3]);
  assert.ok(Math.abs(r1Penalty(linear, x).dataSync()[0] - (0.25 + 4 + 2.25)) < 1e-5);
  const net = tfl.sequential({ layers: [tfl.layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), tfl.layers.dense({ units: 1 })] });
  const critic = (t: tf.Tensor) => net.apply(t) as tf.Tensor;
  const xs = Array.from(x.dataSync());
  const h = 1e-2;
  let fd = 0;
  for (let i = 0; i < 4; i++) {
    for (let d = 0; d < 3; d++) {
      const at = (delta: number) => {
        const p = xs.slice(i * 3, i * 3 + 3);
        p[d] += delta;
        return critic(tf.tensor2d(p, [1, 3])).dataSync()[0];
      };
      fd += ((at(h) - at(-h)) / (2 * h)) ** 2;
    }
  }
  fd /= 4;
  const r1 = r1Penalty(critic, x).dataSync()[0];
  assert.ok(Math.abs(r1 - fd) / fd < 1e-3, `R1 ${r1} vs finite differences ${fd}`);
  net.dispose();
  x.dispose();
});

test('options.r1Gamma adds (γ/2)·R1 to D\'s loss in the training step', () => {
  const plain = buildGan(config(small, data), data);
  const withR1 = buildGan(config({ ...small, options: { r1Gamma: 10 } }, data), data);
  const a = plain.trainIteration(contextFor(data, 16, 0, 3));
  const b = withR1.trainIteration(contextFor(data, 16, 0, 3));
  assert.ok(b.r1_penalty > 0);
  assert.ok(Math.abs(b.d_loss - a.d_loss - 5 * b.r1_penalty) < 1e-4, `d_loss ${b.d_loss} − ${a.d_loss} vs 5·${b.r1_penalty}`);
  plain.dispose();
  withR1.dispose();
});

test('EMA: θ_ema ← β θ_ema + (1−β) θ after each G step; generator_ema is checkpointed and samples', () => {
  const e = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [2] })] });
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [2] })] });
  e.setWeights([tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0, 0])]);
  m.setWeights([tf.tensor2d([5, 6, 7, 8], [2, 2]), tf.tensor1d([1, -1])]);
  updateEma(e, m, 0.75);
  assert.deepEqual(Array.from(e.getWeights()[0].dataSync()), [2, 3, 4, 5]);
  assert.deepEqual(Array.from(e.getWeights()[1].dataSync()), [0.25, -0.25]);
  e.dispose();
  m.dispose();

  const v = buildGan(config({ ...small, options: { emaDecay: 0.9 } }, data), data);
  const models = v.models();
  assert.deepEqual(Object.keys(models).sort(), ['discriminator', 'generator', 'generator_ema']);
  assert.equal(v.samplingGenerator(), models.generator_ema);
  const g0 = weightValues(models.generator);
  assert.equal(maxDiff(weightValues(models.generator_ema), g0), 0, 'the EMA starts at G');
  v.trainIteration(contextFor(data, 16, 0, 3));
  const g1 = weightValues(models.generator);
  const expected = g0.map((w, i) => w.map((x, j) => 0.9 * x + 0.1 * g1[i][j]));
  assert.ok(maxDiff(weightValues(models.generator_ema), expected) < 1e-6);
  assert.ok(maxDiff(g1, g0) > 1e-4, 'G moved');
  v.dispose();
});

test('EMA with batch norm: the EMA generator estimates its own running statistics, not the live G\'s', () => {
  const build = () => tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], useBias: false }), tfl.layers.batchNormalization({ momentum: 0.5 })] });
  const ema = build();
  assert.ok(needsOwnStatistics(ema));
  ema.setWeights([tf.tensor2d([1, 0, 0, 0, 1, 0], [2, 3]), tf.tensor1d([1, 1, 1]), tf.tensor1d([0, 0, 0]), tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 1, 1])]);
  const live = build();
  live.setWeights([tf.tensor2d([5, 5, 5, 5, 5, 5], [2, 3]), tf.tensor1d([1, 1, 1]), tf.tensor1d([0, 0, 0]), tf.tensor1d([9, 9, 9]), tf.tensor1d([7, 7, 7])]);
  updateEma(ema, live, 0.5, { ownStatistics: true });
  const stats = () => ema.getWeights().slice(3).map((w) => Array.from(w.dataSync()));
  assert.deepEqual(stats(), [[0, 0, 0], [1, 1, 1]], 'the live G\'s running statistics are not copied');
  // A batch whose EMA-net activations have mean (3, 2, 0) in its first two units: the running mean moves half-way there.
  const x = [2, 1, 4, 3];
  refreshEmaStatistics(ema, Float32Array.from(x), [2, 2]);
  const kernel = [[3, 2.5, 2.5], [2.5, 3, 2.5]];
  const mean = [0, 1, 2].map((j) => (x[0] * kernel[0][j] + x[1] * kernel[1][j] + x[2] * kernel[0][j] + x[3] * kernel[1][j]) / 2);
  stats()[0].forEach((m, j) => assert.ok(Math.abs(m - 0.5 * mean[j]) < 1e-4, `running mean ${m} vs ${0.5 * mean[j]}`));
  updateEma(ema, live, 0.5);
  assert.deepEqual(stats(), [[9, 9, 9], [7, 7, 7]], 'without ownStatistics they are copied');
  const [z, y] = [tfl.input({ shape: [2] }), tfl.input({ shape: [2] })];
  const conditional = tfl.model({ inputs: [z, y], outputs: tfl.layers.batchNormalization().apply(tfl.layers.concatenate().apply([z, y]) as tfl.SymbolicTensor) as tfl.SymbolicTensor });
  assert.equal(needsOwnStatistics(conditional), false, 'a conditional G keeps the copied statistics');
  conditional.dispose();
  ema.dispose();
  live.dispose();
});

test('feature matching: G minimises ‖E f(x) − E f(G(z))‖² over D\'s last hidden layer', () => {
  const fm = featureMatchingLoss(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[0, 0], [2, 2]])).dataSync()[0];
  assert.ok(Math.abs(fm - ((2 - 1) ** 2 + (3 - 1) ** 2)) < 1e-6);

  const v = buildGan(config({ ...small, options: { featureMatching: true } }, data), data);
  const plain = buildGan(config(small, data), data);
  const { generator: G, discriminator: D } = v.models();
  const ctx = contextFor(data, 16, 0, 3);
  const g0 = G.getWeights().map((w) => w.clone());
  const logs = v.trainIteration(ctx);
  const plainLogs = plain.trainIteration(contextFor(data, 16, 0, 3));
  // The logged G loss was computed with D after its step and G before its own: rebuild it.
  const g1 = G.getWeights().map((w) => w.clone());
  G.setWeights(g0);
  // The G step's batches come from sub-step criticSteps (= 1).
  const real = tf.tensor2d(data.sample(16, ctx.rng(STREAM.data, 1)).x, [16, 2]);
  const z = tf.tensor2d(ctx.rng(STREAM.latent, 1).normals(32), [16, 2]);
  const fReal = discriminatorFeatures(D, real, true);
  const fFake = discriminatorFeatures(D, G.apply(z) as tf.Tensor, true);
  assert.deepEqual(fReal.shape, [16, 16], 'f is D\'s last 16-unit hidden layer');
  const mean = (t: tf.Tensor) => { const a = t.dataSync(); return Array.from({ length: 16 }, (_, j) => { let s = 0; for (let i = 0; i < 16; i++) s += a[i * 16 + j]; return s / 16; }); };
  const mr = mean(fReal);
  const mf = mean(fFake);
  const expected = mr.reduce((s, x, j) => s + (x - mf[j]) ** 2, 0);
  assert.ok(Math.abs(logs.g_loss - expected) < 1e-5 * Math.max(1, expected), `logged ${logs.g_loss} vs ${expected}`);
  assert.ok(Math.abs(logs.g_loss - plainLogs.g_loss) > 1e-3, 'not the adversarial loss');
  G.setWeights(g1);
  tf.dispose([...g0, ...g1, real, z, fReal, fFake]);
  v.dispose();
  plain.dispose();
});

test('DiffAugment runs on both real and fake, G learns through it, and the D step sees augmented batches', () => {
  const mnist = mnistDataset();
  const v = buildGan(config({ data: 'mnist', model: 'mlp', hidden: [8], batchSize: 4, seed: 1, options: { diffAugment: 'color,translation,cutout' } }, mnist), mnist);
  const g0 = weightValues(v.models().generator);
  const logs = v.trainIteration(contextFor(mnist, 4, 0, 1));
  assert.ok(Number.isFinite(logs.d_loss) && Number.isFinite(logs.g_loss));
  assert.ok(maxDiff(weightValues(v.models().generator), g0) > 1e-5, 'G got a gradient through the augmentation');
  v.dispose();
});

test('TTUR: options.ttur and withTtur give G lr 1e-4 and D lr 4e-4 (Adam β1 0, β2 0.9)', () => {
  const c = config({ ...small, options: { ttur: true } }, data);
  const v = buildGan(c, data);
  const lr = (o: tf.Optimizer) => (o as unknown as { learningRate: number }).learningRate;
  assert.equal(lr(v.optimizers().generator), 1e-4);
  assert.equal(lr(v.optimizers().discriminator), 4e-4);
  v.dispose();
  const t = withTtur(config(small, data));
  assert.deepEqual([t.optimizerG, t.optimizerD], [TTUR_OPTIMIZERS.optimizerG, TTUR_OPTIMIZERS.optimizerD]);
  assert.equal(t.optimizerG.learningRate, 1e-4);
  assert.equal(t.optimizerD.learningRate, 4e-4);
});

test('packing stacks consecutive samples: points [4, 2] → [2, 4], images along channels', () => {
  const p = pack(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), 2);
  assert.deepEqual(p.shape, [2, 4]);
  assert.deepEqual(Array.from(p.dataSync()), [1, 2, 3, 4, 5, 6, 7, 8]);
  const img = tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]);
  const pi = pack(img, 2);
  assert.deepEqual(pi.shape, [1, 2, 2, 2]);
  assert.deepEqual(Array.from(pi.dataSync()), [1, 10, 2, 20, 3, 30, 4, 40]);
});

test('combinations that do not fit are ConfigErrors that say what to change', () => {
  const bad: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [{}, { diffAugment: true }, /augments images, but the data are 2D points/],
    [{}, { selfAttention: true }, /--model dcgan/],
    [{ loss: { type: 'wgan-gp' } }, { r1Gamma: 10 }, /second gradient penalty/],
    [{ loss: { type: 'wgan' } }, { spectralNorm: true }, /weight clipping/],
    [{ loss: { type: 'wgan-gp' } }, { minibatchStddev: true }, /couple the samples/],
    [{}, { featureMatching: true, minibatchDiscrimination: true }, /one or the other/],
    [{ batchSize: 10 }, { packing: 4 }, /multiple of it/],
    [{}, { emaDecy: 0.99 }, /unknown option 'emaDecy'/],
    [{}, { emaDecay: 1 }, /options.emaDecay/],
    [{}, { diffAugment: 'colour' }, /options.diffAugment/],
  ];
  for (const [top, options, message] of bad) {
    assert.throws(() => buildGan(config({ ...small, ...top, options } as Parameters<typeof config>[0], data), data), (e: Error) => e instanceof ConfigError && message.test(e.message), JSON.stringify(options));
  }
});

test('every stabiliser at once trains with a flat tensor count (mlp on ring8)', () => {
  const v = buildGan(
    config({ ...small, options: { r1Gamma: 1, emaDecay: 0.99, featureMatching: true, minibatchStddev: true, spectralNorm: 'both', packing: 2, unrolledSteps: 2, ttur: true } }, data),
    data,
  );
  train(v, data, 16, 0, 2);
  const n = tf.memory().numTensors;
  const logs = train(v, data, 16, 2, 6);
  assert.equal(tf.memory().numTensors, n);
  assert.ok(Number.isFinite(logs.g_loss) && Number.isFinite(logs.d_loss));
  v.dispose();
});

test('image stabilisers (SN in G and D, self-attention, minibatch stddev/discrimination, DiffAugment, EMA) on dcgan-mnist: shapes, no leak', () => {
  const mnist = mnistDataset();
  const v = buildGan(
    config({ data: 'mnist', model: 'dcgan', latentDim: 8, batchSize: 4, loss: { type: 'hinge' }, seed: 2, options: { spectralNorm: 'both', selfAttention: true, minibatchStddev: { groupSize: 2 }, minibatchDiscrimination: { kernels: 4, kernelDim: 3 }, diffAugment: true, emaDecay: 0.9, r1Gamma: 1 } }, mnist),
    mnist,
  );
  train(v, mnist, 4, 0, 1);
  const n = tf.memory().numTensors;
  train(v, mnist, 4, 1, 3);
  assert.equal(tf.memory().numTensors, n);
  const z = tf.zeros([2, 8]) as tf.Tensor2D;
  const x = v.generate(z);
  assert.deepEqual(x.shape, [2, 28, 28, 1]);
  tf.dispose([z, x]);
  v.dispose();
});
