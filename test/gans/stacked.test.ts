import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { resolveConfig } from '../../src/train/config.js';
import { Rng } from '../../src/train/rng.js';
import type { Dataset } from '../../src/data/types.js';
import type { GanVariant, IterationContext } from '../../src/gans/types.js';
import { buildStackedGan, stackedStageAt } from '../../src/gans/stacked.js';
import { iterationRng } from '../../src/core/streams.js';

const BATCH = 8;

function ctxAt(step: number, data: Dataset): IterationContext {
  return { step, data, batchSize: BATCH, rng: (stream, sub = 0) => iterationRng(2, step, stream, sub) };
}

function stacked(data: Dataset, options: Record<string, unknown>): GanVariant {
  const config = resolveConfig({ variant: 'stacked', data: 'mnist', batchSize: BATCH, latentDim: 16, seed: 2, options: { filters: 8, ...options } }, 'images');
  return buildStackedGan(config, data);
}

/** Every trainable weight of a model, copied. */
function snapshot(model: tfl.LayersModel): Float32Array[] {
  return model.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
}
function changed(before: Float32Array[], model: tfl.LayersModel): boolean {
  const after = snapshot(model);
  return after.some((a, i) => a.some((v, j) => v !== before[i][j]));
}

test('the schedule runs stage 1, then stage 2, then both, from the step alone', () => {
  const opts = { coarseSteps: 2, fineSteps: 3 };
  assert.deepEqual(
    Array.from({ length: 7 }, (_, s) => stackedStageAt(s, opts)),
    ['coarse', 'coarse', 'fine', 'fine', 'fine', 'joint', 'joint'],
  );
});

test('stages train one by one, then jointly: exactly the scheduled networks change', async () => {
  await initBackend('wasm');
  const data = mnistDataset();
  const gan = stacked(data, { coarseSteps: 3, fineSteps: 3 });
  const stack = gan.models().generator;
  const coarseG = stack.getLayer('generator_coarse') as unknown as tfl.LayersModel;
  const fineG = stack.getLayer('generator_fine') as unknown as tfl.LayersModel;
  const nets = { coarseG, fineG, coarseD: gan.models().discriminator_coarse, fineD: gan.models().discriminator };
  type Name = keyof typeof nets;
  const names = Object.keys(nets) as Name[];
  const runStage = (from: number, to: number) => {
    const before = Object.fromEntries(names.map((n) => [n, snapshot(nets[n])])) as Record<Name, Float32Array[]>;
    let tensors = 0;
    const stages = new Set<number>();
    for (let step = from; step < to; step++) {
      const logs = gan.trainIteration(ctxAt(step, data));
      stages.add(logs.stage);
      for (const v of Object.values(logs)) assert.ok(Number.isFinite(v));
      // Each stage's optimizers make their moment variables on their first step.
      if (step === from) tensors = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensors, `no tensor leak in steps ${from}..${to - 1}`);
    return { stages: [...stages], moved: Object.fromEntries(names.map((n) => [n, changed(before[n], nets[n])])) };
  };
  const one = runStage(0, 3);
  assert.deepEqual(one, { stages: [1], moved: { coarseG: true, fineG: false, coarseD: true, fineD: false } });
  // While only stage 1 has trained, samples are its 14×14 images upscaled (constant 2×2 blocks).
  const blocky = () =>
    tf.tidy(() => {
      const x = gan.generate(tf.randomNormal([2, 16], 0, 1, 'float32', 4) as tf.Tensor2D);
      const pooled = tf.image.resizeNearestNeighbor(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [28, 28]);
      return tf.max(tf.abs(tf.sub(x, pooled))).dataSync()[0] < 1e-6;
    });
  assert.equal(blocky(), true);
  const two = runStage(3, 6);
  assert.deepEqual(two, { stages: [2], moved: { coarseG: false, fineG: true, coarseD: false, fineD: true } });
  const joint = runStage(6, 9);
  assert.deepEqual(joint, { stages: [3], moved: { coarseG: true, fineG: true, coarseD: true, fineD: true } });
  assert.equal(blocky(), false, 'after stage 2 has trained, samples are the refined 28×28 images');

  // The sampler is the whole stack: z → 28×28, and it round-trips through the Layers format.
  const z = tf.randomNormal([4, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
  const samples = gan.generate(z);
  assert.deepEqual(samples.shape, [4, 28, 28, 1]);
  let saved: tf.io.ModelArtifacts | null = null;
  await stack.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  assert.ok(saved);
  const restored = await tfl.loadLayersModel(tf.io.fromMemory(saved));
  // The checkpoint knows how far training got (the stage clock is one of its weights).
  const clockStep = restored.getLayer('stage_clock').getWeights()[0].dataSync()[0];
  assert.equal(clockStep, 8);
  const again = restored.predict(z) as tf.Tensor;
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(again, samples))).dataSync()[0]) < 1e-5);
  tf.dispose([z, samples, again]);
  restored.dispose();
  gan.dispose();
});

test('in the joint phase stage 2’s loss reaches stage 1: G1 moves even with its own loss weighted 0', async () => {
  await initBackend('wasm');
  const data = mnistDataset();
  const gan = stacked(data, { coarseSteps: 0, fineSteps: 0, jointCoarseWeight: 0 });
  const coarseG = gan.models().generator.getLayer('generator_coarse') as unknown as tfl.LayersModel;
  const before = snapshot(coarseG);
  const logs = gan.trainIteration(ctxAt(0, data));
  assert.equal(logs.stage, 3);
  assert.ok(Math.abs(logs.g_loss - logs.g_fine_loss) < 1e-6, 'with weight 0, G’s joint loss is stage 2’s alone');
  assert.ok(changed(before, coarseG), 'stage 1 was updated by the gradient of stage 2’s loss');
  gan.dispose();
});

test('configs/stacked.json resolves and builds the variant', async () => {
  await initBackend('wasm');
  const { readFileSync } = await import('node:fs');
  const input = JSON.parse(readFileSync(new URL('../../configs/stacked.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const config = resolveConfig(input, 'images');
  assert.equal(config.variant, 'stacked');
  const gan = buildStackedGan(config, mnistDataset());
  assert.equal(gan.name, 'stacked');
  gan.dispose();
});
