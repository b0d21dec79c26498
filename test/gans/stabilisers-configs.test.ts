import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initBackend } from '../../src/backend/index.js';
import { loadDataset } from '../../src/data/index.js';
import { createVariant } from '../../src/gans/index.js';
import '../../src/gans/all.js';
import { resolveConfig, type RunConfigInput } from '../../src/train/config.js';

await initBackend('wasm');

const CONFIGS = [
  'sngan-mnist', 'sngan-ring8', 'sagan-mnist', 'unrolled-ring8', 'pacgan-ring8', 'pacgan-grid25', 'lsgan-qi-ring8', 'lsgan-qi-mnist',
  'lsgan-mao-mnist', 'ttur-dcgan-mnist', 'r1-dcgan-mnist', 'stabilised-dcgan-mnist', 'feature-matching-mnist', 'minibatch-discrimination-ring8',
];

function load(name: string) {
  const input = JSON.parse(readFileSync(`configs/${name}.json`, 'utf8')) as RunConfigInput;
  const data = loadDataset(input.data ?? 'mnist');
  return { config: resolveConfig(input, data.kind), data };
}

test('every config of the family resolves and builds its variant with the options it names', () => {
  for (const name of CONFIGS) {
    const { config, data } = load(name);
    const v = createVariant(config, data);
    assert.equal(v.name, config.variant, name);
    const extraModels = Object.keys(v.models()).sort().join(',');
    assert.equal(extraModels, config.options.emaDecay !== undefined ? 'discriminator,generator,generator_ema' : 'discriminator,generator', name);
    v.dispose();
  }
});

test('the TTUR preset gives G 1e-4 and D 4e-4; lsgan-mao is the least-squares loss, lsgan-qi the loss-sensitive variant', () => {
  const { config: ttur } = load('ttur-dcgan-mnist');
  assert.equal(ttur.optimizerG.learningRate, 1e-4);
  assert.equal(ttur.optimizerD.learningRate, 4e-4);
  assert.equal(load('lsgan-mao-mnist').config.loss.type, 'least-squares');
  assert.equal(load('lsgan-qi-mnist').config.variant, 'lsgan-qi');
});
