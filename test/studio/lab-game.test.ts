import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { iterationRng } from '../../src/core/streams.js';
import { ring8 } from '../../src/data/mixtures.js';
import { buildNetworks, initializeWeights } from '../../src/nets/index.js';
import { STREAM, type IterationContext } from '../../src/gans/types.js';
import { resolveConfig, type LossConfig } from '../../src/train/config.js';
import { LabGame, drawNoise, type LabGameOptions } from '../../studio/lab-game.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modeCoverage } from '../../src/metrics/modes.js';
import { Rng } from '../../src/train/rng.js';
import { labConfig } from '../../studio/lab-config.js';
import { PRESETS } from '../../studio/lab-presets.js';
import { applyTrainedWeights, type TrainedWeights } from '../../studio/lab-trained.js';

await initBackend('cpu');

const data = ring8();

function game(loss: LossConfig, options: LabGameOptions, criticSteps: number): LabGame {
  const config = resolveConfig({ data: 'ring8', model: 'mlp', hidden: [16, 16], loss, criticSteps, batchSize: 32, seed: 4 }, 'points');
  const nets = buildNetworks({ model: 'mlp', dataShape: [2], latentDim: 2, hidden: [16, 16], discriminatorHidden: [16, 16] });
  initializeWeights(nets.generator, 4, STREAM.init);
  initializeWeights(nets.discriminator, 4, STREAM.init + 1);
  return new LabGame(nets, config, options);
}

const ctx = (step: number): IterationContext => ({ step, data, batchSize: 32, rng: (s, sub = 0) => iterationRng(4, step, s, sub) });

function weights(g: LabGame): number[] {
  const models = g.variant.models();
  return [...models.generator.getWeights(), ...models.discriminator.getWeights()].flatMap((w) => Array.from(w.dataSync()));
}

for (const [loss, k, gSteps] of [
  [{ type: 'non-saturating' }, 1, 1],
  [{ type: 'wgan-gp' }, 3, 2],
  [{ type: 'wgan' }, 2, 1],
] as [LossConfig, number, number][]) {
  test(`slow motion walks exactly one iteration: ${loss.type}, ${k} D steps, ${gSteps} G steps`, () => {
    const whole = game(loss, { generatorSteps: gSteps, noise: 'uniform' }, k);
    const walked = game(loss, { generatorSteps: gSteps, noise: 'uniform' }, k);
    assert.deepEqual(walked.subSteps().map((s) => `${s.player}${s.index + 1}/${s.of}`), [
      ...Array.from({ length: k }, (_, i) => `D${i + 1}/${k}`),
      ...Array.from({ length: gSteps }, (_, i) => `G${i + 1}/${gSteps}`),
    ]);
    for (let step = 0; step < 3; step++) {
      const a = whole.iteration(ctx(step));
      const logs = walked.subSteps().map((sub) => ({ sub, logs: walked.subStep(ctx(step), sub) }));
      const b = LabGame.combine(logs);
      assert.ok(Math.abs(a.d_loss - b.d_loss) < 1e-6 && Math.abs(a.g_loss - b.g_loss) < 1e-6, `logs ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    assert.deepEqual(weights(walked), weights(whole), 'same weights after three iterations');
    whole.dispose();
    walked.dispose();
  });
}

test('a D sub-step moves only D, a G sub-step only G; no tensors leak', () => {
  const g = game({ type: 'non-saturating' }, { generatorSteps: 1, noise: 'gaussian' }, 2);
  const read = (name: 'generator' | 'discriminator') => g.variant.models()[name].getWeights().flatMap((w) => Array.from(w.dataSync()));
  // Optimizers create their slots on the first update: count from after one iteration.
  g.iteration(ctx(0));
  const tensors = tf.memory().numTensors;
  const [g0, d0] = [read('generator'), read('discriminator')];
  g.subStep(ctx(1), { player: 'D', index: 0, of: 2 });
  assert.deepEqual(read('generator'), g0);
  assert.notDeepEqual(read('discriminator'), d0);
  const d1 = read('discriminator');
  g.subStep(ctx(1), { player: 'G', index: 0, of: 1 });
  assert.deepEqual(read('discriminator'), d1);
  assert.notDeepEqual(read('generator'), g0);
  const b = g.batch(ctx(1), { player: 'D', index: 1, of: 2 });
  assert.deepEqual(b.z.shape, [32, 2]);
  assert.deepEqual(b.real?.shape, [32, 2]);
  tf.dispose([b.z, b.real!]);
  for (let i = 2; i < 5; i++) g.iteration(ctx(i));
  assert.equal(tf.memory().numTensors, tensors);
  g.dispose();
});

test('uniform noise lies in [−1, 1]; the network sees one dimension when asked', () => {
  const config = resolveConfig({ data: 'ring8', model: 'mlp', latentDim: 1, hidden: [8], batchSize: 32, seed: 1 }, 'points');
  const nets = buildNetworks({ model: 'mlp', dataShape: [2], latentDim: 1, hidden: [8], discriminatorHidden: [8] });
  const g = new LabGame(nets, config, { generatorSteps: 3, noise: 'uniform' });
  const z = g.noiseBatch(ctx(0), 0);
  assert.deepEqual(z.shape, [32, 1]);
  const v = z.dataSync();
  assert.ok(v.every((x) => x >= -1 && x <= 1));
  z.dispose();
  const logs = g.iteration(ctx(0));
  assert.ok(Number.isFinite(logs.g_loss) && Number.isFinite(logs.d_loss));
  assert.throws(() => new LabGame(nets, config, { generatorSteps: 0, noise: 'uniform' }), /G steps/);
  g.dispose();
});

test('the trained preset’s file fits the networks its lab builds, and its G covers the ring', () => {
  const preset = PRESETS.find((p) => p.id === 'wgan-gp-trained')!;
  const file = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'studio', preset.trained!), 'utf8')) as TrainedWeights;
  assert.equal(file.preset, 'wgan-gp-rescue');
  assert.deepEqual(preset.state, PRESETS.find((p) => p.id === 'wgan-gp-rescue')!.state, 'the trained lab is the rescue lab');
  const { config, options, spec } = labConfig(preset.state);
  const nets = buildNetworks(spec);
  const before = tf.memory().numTensors;
  applyTrainedWeights(nets, file);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  const z = tf.tensor2d(drawNoise(Rng.derive(777, 0, STREAM.fixedNoise), 1024, config.latentDim, options.noise), [1024, config.latentDim]);
  const fake = nets.generator.predict(z) as tf.Tensor;
  const data = ring8();
  assert.equal(modeCoverage(fake.dataSync() as Float32Array, data.modes, data.std).modesCaptured, file.modesCaptured[file.modesCaptured.length - 1].modes);
  tf.dispose([z, fake]);
  // A file for other networks is refused with both shapes named.
  const other = buildNetworks({ ...spec, hidden: [32, 32] });
  assert.throws(() => applyTrainedWeights(other, file), /the file's generator has weights 2×64, 64, 64×64, .*these networks 2×32, 32, 32×32/);
  nets.generator.dispose();
  nets.discriminator.dispose();
  other.generator.dispose();
  other.discriminator.dispose();
});
