import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { meanInk } from '../../src/data/unpaired.js';
import { resolveConfig, ConfigError } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import type { IterationContext, IterationLogs } from '../../src/gans/types.js';
import { buildCycleGan, type CycleGanVariant } from '../../src/gans/cyclegan.js';
import { ring8 } from '../../src/data/mixtures.js';
import { iterationRng, STREAM } from '../../src/core/streams.js';

const BATCH = 8;

function cycleGan(options: Record<string, unknown>): CycleGanVariant {
  const config = resolveConfig(
    {
      variant: 'cyclegan',
      data: 'mnist',
      loss: { type: 'least-squares' },
      batchSize: BATCH,
      seed: 1,
      optimizerG: { type: 'adam', learningRate: 1e-3, beta1: 0.5 },
      optimizerD: { type: 'adam', learningRate: 1e-3, beta1: 0.5 },
      options,
    },
    'images',
  );
  return buildCycleGan(config, mnistDataset());
}

function ctxAt(gan: CycleGanVariant, step: number): IterationContext {
  return { step, data: gan.domains, batchSize: BATCH, rng: (stream, sub = 0) => iterationRng(1, step, stream, sub) };
}

test('the identity and cycle terms are the L1 distances the paper defines', async () => {
  await initBackend('wasm');
  const gan = cycleGan({ filters: 4, identityWeight: 5, cycleWeight: 10 });
  const ctx = ctxAt(gan, 0);
  // Recompute the iteration's batches and both terms before the update changes the weights.
  // The generator round (sub-step k = 1) draws A then B from one data stream; D's step before it leaves G and F as they are.
  const rng = ctx.rng(STREAM.data, 1);
  const a = tf.tensor(gan.domains.domainA.sample(BATCH, rng).x, [BATCH, 28, 28, 1]);
  const b = tf.tensor(gan.domains.domainB.sample(BATCH, rng).x, [BATCH, 28, 28, 1]);
  const expected = tf.tidy(() => {
    const l1 = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.abs(tf.sub(x, y))).dataSync()[0];
    const ab = gan.translate(a, 'a-to-b');
    const ba = gan.translate(b, 'b-to-a');
    return {
      cycle: l1(gan.translate(ab, 'b-to-a'), a) + l1(gan.translate(ba, 'a-to-b'), b),
      identity: l1(gan.translate(b, 'a-to-b'), b) + l1(gan.translate(a, 'b-to-a'), a),
    };
  });
  const logs = gan.trainIteration(ctx);
  assert.ok(Math.abs(logs.cycle_loss - expected.cycle) < 1e-4, `cycle ${logs.cycle_loss} vs ${expected.cycle}`);
  assert.ok(Math.abs(logs.identity_loss - expected.identity) < 1e-4, `identity ${logs.identity_loss} vs ${expected.identity}`);
  assert.ok(Math.abs(logs.g_loss - (logs.g_adversarial + 10 * logs.cycle_loss + 5 * logs.identity_loss)) < 1e-3);
  assert.deepEqual(Object.keys(gan.models()).sort(), ['discriminator', 'discriminator_a', 'generator', 'generator_ba', 'replay_a', 'replay_b']);
  tf.dispose([a, b]);
  gan.dispose();
});

test('cyclegan refuses a single-domain data set; WGAN-GP penalises both critics; criticSteps is honoured', async () => {
  await initBackend('wasm');
  const config = resolveConfig({ variant: 'cyclegan', data: 'ring8' }, 'points');
  assert.throws(() => buildCycleGan(config, ring8()), (e: Error) => e instanceof ConfigError && /two unpaired domains/.test(e.message));
  const wgan = resolveConfig({ variant: 'cyclegan', data: 'mnist', batchSize: BATCH, criticSteps: 2, loss: { type: 'wgan-gp' }, options: { filters: 4 } }, 'images');
  const gan = buildCycleGan(wgan, mnistDataset());
  const before = gan.models().discriminator_a.getWeights()[0].dataSync().slice();
  const logs = gan.trainIteration(ctxAt(gan, 0));
  assert.ok(logs.gradient_penalty > 0 && Number.isFinite(logs.d_a_loss) && Number.isFinite(logs.d_b_loss), JSON.stringify(logs));
  assert.notDeepEqual([...gan.models().discriminator_a.getWeights()[0].dataSync()], [...before]);
  gan.dispose();
});

test('training: the cycle loss falls and translations take on the other domain’s ink', async (t) => {
  await initBackend('wasm');
  // A lighter cycle weight than the paper's 10 lets the adversarial term act within the
  // 150 steps a test can afford; identity is off for the same reason.
  const gan = cycleGan({ filters: 8, cycleWeight: 2, identityWeight: 0, bufferSize: 50 });
  const evalA = tf.tensor(gan.domains.domainA.sample(200, new Rng(99)).x, [200, 28, 28, 1]);
  const evalB = tf.tensor(gan.domains.domainB.sample(200, new Rng(98)).x, [200, 28, 28, 1]);
  const inkA = meanInk(evalA.dataSync());
  const inkB = meanInk(evalB.dataSync());
  const gap = inkB - inkA;
  assert.ok(gap > 0.07, `thick digits carry more ink: A ${inkA.toFixed(3)}, B ${inkB.toFixed(3)}`);
  const inks = () =>
    tf.tidy(() => ({ ab: meanInk(gan.translate(evalA, 'a-to-b').dataSync()), ba: meanInk(gan.translate(evalB, 'b-to-a').dataSync()) }));
  // "Within the half of the gap nearest the target domain", in both directions.
  const onTarget = (i: { ab: number; ba: number }) => Math.abs(i.ab - inkB) < gap / 2 && Math.abs(i.ba - inkA) < gap / 2;
  const before = inks();
  assert.ok(!onTarget(before), `untrained translators should not already match: ${JSON.stringify(before)}`);

  const logs: IterationLogs[] = [];
  let numTensors = 0;
  for (let step = 0; step < 150; step++) {
    logs.push(gan.trainIteration(ctxAt(gan, step)));
    if (step === 0) numTensors = tf.memory().numTensors;
  }
  assert.equal(tf.memory().numTensors, numTensors, 'no tensor leak over iterations');
  const mean = (xs: IterationLogs[], k: string) => xs.reduce((s, l) => s + l[k], 0) / xs.length;
  const cycleStart = mean(logs.slice(0, 10), 'cycle_loss');
  const cycleEnd = mean(logs.slice(-10), 'cycle_loss');
  const after = inks();
  t.diagnostic(`ink A ${inkA.toFixed(3)} B ${inkB.toFixed(3)}; before G(A) ${before.ab.toFixed(3)} F(B) ${before.ba.toFixed(3)}; after G(A) ${after.ab.toFixed(3)} F(B) ${after.ba.toFixed(3)}; cycle ${cycleStart.toFixed(3)} → ${cycleEnd.toFixed(3)}`);
  assert.ok(cycleEnd < 0.25 * cycleStart, `cycle loss ${cycleStart.toFixed(3)} → ${cycleEnd.toFixed(3)}`);
  assert.ok(onTarget(after), `after training G(A) ink ${after.ab.toFixed(3)} (B ${inkB.toFixed(3)}), F(B) ink ${after.ba.toFixed(3)} (A ${inkA.toFixed(3)})`);
  assert.ok(after.ab > inkA && after.ba < inkB, 'G thickens, F thins');
  // The replay buffers filled up (50 each) and are what D saw.
  // (getWeights hands back the variables themselves: read, do not dispose.)
  const replayCount = gan.models().replay_b.getWeights()[1].dataSync()[0];
  assert.equal(replayCount, 50);
  tf.dispose([evalA, evalB]);
  gan.dispose();
});

test('configs/cyclegan.json resolves and builds the variant', async () => {
  await initBackend('wasm');
  const { readFileSync } = await import('node:fs');
  const input = JSON.parse(readFileSync(new URL('../../configs/cyclegan.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const config = resolveConfig(input, 'images');
  assert.equal(config.variant, 'cyclegan');
  const gan = buildCycleGan(config, mnistDataset());
  assert.equal(gan.name, 'cyclegan');
  gan.dispose();
});
