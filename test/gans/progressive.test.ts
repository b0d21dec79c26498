import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import type { Dataset } from '../../src/data/types.js';
import type { IterationContext } from '../../src/gans/types.js';
import { buildProgressiveGan, growthAt, validatePhases, type GrowthPhase } from '../../src/gans/progressive.js';
import { buildProgressive, initializeProgressive, upscale2x, downscale2x, GrowthClock } from '../../src/nets/progressive.js';
import { MinibatchStddev } from '../../src/nn/minibatch-stddev.js';
import { iterationRng } from '../../src/core/streams.js';

function ctxAt(step: number, data: Dataset, batchSize: number, seed = 0): IterationContext {
  return { step, data, batchSize, rng: (stream, sub = 0) => iterationRng(seed, step, stream, sub) };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

const PHASES: GrowthPhase[] = [
  { resolution: 4, fade: 0, steps: 3 },
  { resolution: 8, fade: 4, steps: 2 },
];

test('the schedule fades α linearly from 0 to 1 and then holds the phase, from the step alone', () => {
  const alphas = Array.from({ length: 11 }, (_, s) => growthAt(s, PHASES));
  assert.deepEqual(alphas.map((g) => g.resolution), [4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8]);
  assert.deepEqual(alphas.map((g) => g.alpha), [1, 1, 1, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1]);
  const bad: GrowthPhase[] = [{ resolution: 4, fade: 0, steps: 1 }, { resolution: 16, fade: 1, steps: 1 }];
  assert.throws(() => validatePhases(bad), (e: Error) => e instanceof ConfigError && /phases\[1\]\.resolution must be 8/.test(e.message));
  assert.throws(() => validatePhases([{ resolution: 4, fade: 2, steps: 1 }]), /phases\[0\]\.fade must be 0/);
});

test('at α = 0 the grown G outputs the upscaled lower-resolution image, and D scores the downscaled input', async () => {
  await initBackend('wasm');
  const net = buildProgressive({ latentDim: 8, imageChannels: 1, channels: [8, 8, 8, 8], minibatchGroupSize: 4 });
  initializeProgressive(net.generator, 1, 100);
  initializeProgressive(net.discriminator, 1, 101);
  const z = tf.randomNormal([4, 8], 0, 1, 'float32', 5);
  const x = tf.randomUniform([4, 16, 16, 1], -1, 1, 'float32', 6);
  for (const level of [1, 2]) {
    const lowG = net.generate(z, level - 1, 1);
    const grownG = net.generate(z, level, 0);
    const up = upscale2x(lowG);
    assert.deepEqual(grownG.shape, [4, 4 << level, 4 << level, 1]);
    assert.ok(maxAbsDiff(grownG, up) < 1e-5, `G level ${level} α=0 vs upscaled: ${maxAbsDiff(grownG, up)}`);
    // With the new block fully in, the output is something else: the fade really switches paths.
    const full = net.generate(z, level, 1);
    assert.ok(maxAbsDiff(full, up) > 1e-2, `G level ${level} α=1 should differ`);
    // Halfway, it is the average of the two.
    const half = net.generate(z, level, 0.5);
    const mid = tf.mul(tf.add(full, up), 0.5);
    assert.ok(maxAbsDiff(half, mid) < 1e-5);

    const xl = level === 2 ? x : downscale2x(x);
    const dGrown = net.discriminate(xl, level, 0);
    const dLow = net.discriminate(downscale2x(xl), level - 1, 1);
    assert.ok(maxAbsDiff(dGrown, dLow) < 1e-4, `D level ${level} α=0 vs lower level on downscaled input: ${maxAbsDiff(dGrown, dLow)}`);
    assert.ok(maxAbsDiff(net.discriminate(xl, level, 1), dLow) > 1e-3);
    tf.dispose([lowG, grownG, up, full, half, mid, dGrown, dLow, ...(level === 2 ? [] : [xl])]);
  }
  // The checkpointed models hold every resolution: G's outputs are 4, 8, 16 and 32 pixels wide.
  const outs = net.generator.predict(z) as tf.Tensor[];
  assert.deepEqual(outs.map((o) => o.shape[1]), [4, 8, 16, 32]);
  tf.dispose([z, x, ...outs]);
  net.generator.dispose();
  net.discriminator.dispose();
});

test("D's minibatch-stddev layer appends one channel equal to the mean standard deviation over the batch", async () => {
  await initBackend('wasm');
  const x = tf.randomNormal([4, 2, 2, 3], 0, 2, 'float32', 9);
  const y = new MinibatchStddev({ groupSize: 4 }).apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, [4, 2, 2, 4]);
  const expected = tf.tidy(() => tf.mean(tf.sqrt(tf.add(tf.moments(x, 0).variance, 1e-8))).dataSync()[0]);
  const extra = tf.tidy(() => tf.slice(y, [0, 0, 0, 3], [-1, -1, -1, 1]).dataSync());
  for (const v of extra) assert.ok(Math.abs(v - expected) < 1e-4, `${v} vs ${expected}`);
  assert.ok(maxAbsDiff(tf.slice(y, [0, 0, 0, 0], [-1, -1, -1, 3]), x) === 0);
  tf.dispose([x, y]);
});

test('training grows the network: the 8×8 block is frozen at 4×4, trains during the fade; tensors stay flat; checkpoints round-trip', async () => {
  await initBackend('wasm');
  const data = mnistDataset();
  const config = resolveConfig(
    { variant: 'progressive', data: 'mnist', loss: { type: 'wgan-gp' }, criticSteps: 1, batchSize: 8, latentDim: 16, seed: 3, options: { phases: PHASES, channels: [16, 16, 8, 8] } },
    'images',
  );
  const gan = buildProgressiveGan(config, data);
  const G = gan.models().generator;
  const weight = (name: string) => {
    const w = G.weights.find((v) => v.name.startsWith(name));
    assert.ok(w, `no weight ${name}`);
    return w.read().dataSync().slice();
  };
  const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

  const g4Before = weight('g4_conv');
  const g8Before = weight('g8_conv1');
  const logs = [];
  let numTensors = 0;
  for (let step = 0; step < 3; step++) {
    logs.push(gan.trainIteration(ctxAt(step, data, 8)));
    if (step === 0) numTensors = tf.memory().numTensors;
  }
  assert.ok(changed(g4Before, weight('g4_conv')), '4×4 weights train in phase 1');
  assert.ok(!changed(g8Before, weight('g8_conv1')), '8×8 weights are untouched before they grow in');
  assert.equal(tf.memory().numTensors, numTensors, 'no tensor leak in the 4×4 phase');
  for (let step = 3; step < 9; step++) {
    logs.push(gan.trainIteration(ctxAt(step, data, 8)));
    // The 8×8 optimizers create their moment variables on their first step.
    if (step === 3) numTensors = tf.memory().numTensors;
  }
  assert.ok(changed(g8Before, weight('g8_conv1')), '8×8 weights train once faded in');
  assert.equal(tf.memory().numTensors, numTensors, 'no tensor leak across the fade and the 8×8 phase');
  assert.deepEqual(logs.map((l) => l.alpha), [1, 1, 1, 0, 0.25, 0.5, 0.75, 1, 1]);
  assert.deepEqual(logs.map((l) => l.resolution), [4, 4, 4, 8, 8, 8, 8, 8, 8]);
  for (const l of logs) assert.ok(Number.isFinite(l.d_loss) && Number.isFinite(l.g_loss) && Number.isFinite(l.gradient_penalty));
  assert.equal(Object.keys(gan.optimizers()).length, 8);

  const z = tf.randomNormal([4, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
  const samples = gan.generate(z);
  assert.deepEqual(samples.shape, [4, 28, 28, 1]);

  // The generator's checkpoint restores the growth step and the custom layers.
  let saved: tf.io.ModelArtifacts | null = null;
  await G.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.ok(saved);
  const restored = await tfl.loadLayersModel(tf.io.fromMemory(saved));
  const clock = restored.layers.find((l) => l instanceof GrowthClock) as GrowthClock;
  assert.equal(clock.step, 8);
  const a = G.predict(z) as tf.Tensor[];
  const b = restored.predict(z) as tf.Tensor[];
  assert.ok(maxAbsDiff(a[1], b[1]) < 1e-5);
  tf.dispose([z, samples, ...a, ...b]);
  restored.dispose();
  gan.dispose();
});

test('configs/progressive.json resolves and builds the variant', async () => {
  await initBackend('wasm');
  const { readFileSync } = await import('node:fs');
  const input = JSON.parse(readFileSync(new URL('../../configs/progressive.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const config = resolveConfig(input, 'images');
  assert.equal(config.variant, 'progressive');
  const gan = buildProgressiveGan(config, mnistDataset());
  assert.equal(gan.name, 'progressive');
  gan.dispose();
});
