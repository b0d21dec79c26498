/**
 * Trains the 2D lab's "trained" preset in Node and writes its weights for the page:
 * the WGAN-GP rescue preset's lab (studio/lab-presets.ts) run for N iterations by the
 * lab's own game (studio/lab-game.ts), so opening the preset shows a trained GAN at once.
 *
 *   npx tsx scripts/train-lab-preset.ts [--iterations 1000] [--backend native] [--out studio/presets/ring8-wgan-gp.json]
 *
 * The file holds G's and D's weights (float32, little-endian, base64, one entry per weight
 * in getWeights() order with its shape), how they were trained and the modes captured along
 * the way, counted as the page counts them (modeCoverage of G on 1,024 fixed z).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import { initBackend, type BackendRequest } from '../src/backend/index.js';
import { iterationRng, STREAM } from '../src/core/streams.js';
import { mixtures } from '../src/data/mixtures.js';
import { modeCoverage } from '../src/metrics/modes.js';
import { buildNetworks, initializeWeights } from '../src/nets/index.js';
import { Rng } from '../src/train/rng.js';
import { drawNoise, LabGame } from '../studio/lab-game.js';
import { PRESETS } from '../studio/lab-presets.js';
import { labConfig } from '../studio/lab-config.js';
import type { TrainedWeights } from '../studio/lab-trained.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const iterations = Number(flag('iterations', '1000'));
const backend = flag('backend', 'native') as BackendRequest;
const out = flag('out', 'studio/presets/ring8-wgan-gp.json');
const from = 'wgan-gp-rescue';

await initBackend(backend);
const state = PRESETS.find((p) => p.id === from)!.state;
const { config, options, spec } = labConfig(state);
const data = mixtures[state.data as 'ring8']();
const nets = buildNetworks(spec);
initializeWeights(nets.generator, config.seed, STREAM.init);
initializeWeights(nets.discriminator, config.seed, STREAM.init + 1);
const game = new LabGame(nets, config, options);
// The page's fixed z (lab2d.ts makeFixedTensors): the modes counted here are the ones it shows.
const z = tf.tensor2d(drawNoise(Rng.derive(777, 0, STREAM.fixedNoise), 1024, config.latentDim, options.noise), [1024, config.latentDim]);
const modes = (): number => {
  const fake = tf.tidy(() => game.variant.generate(z));
  const n = modeCoverage(fake.dataSync() as Float32Array, data.modes, data.std).modesCaptured;
  fake.dispose();
  return n;
};

const t0 = Date.now();
const captured: { iteration: number; modes: number }[] = [];
for (let step = 0; step < iterations; step++) {
  game.iteration({ step, data, batchSize: config.batchSize, rng: (s, sub = 0) => iterationRng(config.seed, step, s, sub) });
  if ((step + 1) % (iterations / 10) === 0) {
    captured.push({ iteration: step + 1, modes: modes() });
    console.log(`iteration ${step + 1}: ${captured[captured.length - 1].modes} of ${data.modes.length} modes (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

const pack = (model: tfl.LayersModel) =>
  model.getWeights().map((w) => ({ shape: w.shape, values: Buffer.from((w.dataSync() as Float32Array).slice().buffer).toString('base64') }));
const file: TrainedWeights = {
  format: 'gankit-lab-weights-1',
  preset: from,
  iterations,
  trainedWith: `scripts/train-lab-preset.ts --iterations ${iterations} --backend ${backend}`,
  modesCaptured: captured,
  generator: pack(nets.generator),
  discriminator: pack(nets.discriminator),
};
writeFileSync(out, JSON.stringify(file) + '\n');
console.log(`wrote ${out} (${(JSON.stringify(file).length / 1024).toFixed(0)} KiB) after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
game.dispose();
z.dispose();
