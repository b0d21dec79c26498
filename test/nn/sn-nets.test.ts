import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { buildNetworks, type NetworkSpec } from '../../src/nets/index.js';
import { buildStabilisedNetworks, PLAIN_NETS } from '../../src/nets/sn-nets.js';

await initBackend('cpu');

const describe = (m: tfl.LayersModel) => m.layers.map((l) => `${l.getClassName()}:${l.weights.map((w) => w.shape.join('x')).join(',')}`);

test('with no stabiliser the builder reproduces the plain mlp and dcgan nets layer for layer', () => {
  const specs: NetworkSpec[] = [
    { model: 'mlp', dataShape: [2], latentDim: 2, hidden: [8, 8] },
    { model: 'mlp', dataShape: [28, 28, 1], latentDim: 4 },
    { model: 'dcgan', dataShape: [28, 28, 1], latentDim: 4 },
    { model: 'dcgan', dataShape: [32, 32, 3], latentDim: 4 },
  ];
  for (const spec of specs) {
    const a = buildNetworks(spec);
    const b = buildStabilisedNetworks(spec, PLAIN_NETS);
    assert.deepEqual(describe(b.generator), describe(a.generator), `${spec.model} ${spec.dataShape} G`);
    assert.deepEqual(describe(b.discriminator), describe(a.discriminator), `${spec.model} ${spec.dataShape} D`);
    for (const m of [a.generator, a.discriminator, b.generator, b.discriminator]) m.dispose();
  }
});

test('stabilisers change exactly the layers they name', () => {
  const spec: NetworkSpec = { model: 'dcgan', dataShape: [32, 32, 3], latentDim: 4 };
  const n = buildStabilisedNetworks(spec, { spectralNorm: 'discriminator', selfAttention: 'discriminator', minibatchStddevGroup: 4, minibatchDiscrimination: { kernels: 5, kernelDim: 3 }, packing: 2 });
  const d = n.discriminator.layers.map((l) => l.getClassName());
  assert.deepEqual(d, [
    'GankitSpectralConv2D', 'LeakyReLU', 'GankitSelfAttention2D',
    'GankitSpectralConv2D', 'LeakyReLU', 'GankitSpectralConv2D', 'LeakyReLU',
    'GankitMinibatchStddev', 'Flatten', 'GankitMinibatchDiscrimination', 'GankitSpectralDense',
  ]);
  assert.deepEqual(n.discriminator.inputs[0].shape, [null, 32, 32, 6]);
  assert.ok(!n.generator.layers.some((l) => l.getClassName().startsWith('Gankit')), 'G untouched');
  n.generator.dispose();
  n.discriminator.dispose();
});
