import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { buildNetworks, buildResnet, dcganPlan, countParams, NetworkError } from '../../src/nets/index.js';

// The native backend: TF.js's cpu backend takes tens of seconds for these forward passes.
await initBackend('native');

test('dcganPlan: 28 and 32 as before, powers of two 16..256 as the PyTorch example, others refused', () => {
  assert.deepEqual(dcganPlan([28, 28, 1]), { dataShape: [28, 28, 1], start: 7, gChannels: [128, 64] });
  assert.deepEqual(dcganPlan([32, 32, 3]), { dataShape: [32, 32, 3], start: 4, gChannels: [512, 256, 128] });
  assert.deepEqual(dcganPlan([64, 64, 3]).gChannels, [512, 256, 128, 64]);
  assert.deepEqual(dcganPlan([16, 16, 1]).gChannels, [256, 128]);
  assert.deepEqual(dcganPlan([128, 128, 3]).gChannels, [512, 512, 256, 128, 64]);
  assert.deepEqual(dcganPlan([256, 256, 3]).gChannels, [512, 512, 512, 256, 128, 64]);
  for (const bad of [[48, 48, 3], [8, 8, 3], [512, 512, 3], [64, 32, 3]]) {
    assert.throws(() => dcganPlan(bad), (e: Error) => e instanceof NetworkError && /powers of two from 16×16 to 256×256/.test(e.message));
  }
});

test('dcgan channels from hidden: G takes them per feature map, D mirrors them; a wrong count is refused', () => {
  assert.deepEqual(dcganPlan([28, 28, 1], [32, 16]).gChannels, [32, 16]);
  assert.throws(() => dcganPlan([28, 28, 1], [256]), (e: Error) => e instanceof NetworkError && /2 at 28×28 \(default 128,64\)/.test(e.message));
  const nets = buildNetworks({ model: 'dcgan', dataShape: [28, 28, 1], latentDim: 8, hidden: [32, 16] });
  const filters = (m: typeof nets.generator) => m.layers.map((l) => (l.getConfig() as { filters?: number }).filters).filter((f) => f !== undefined);
  assert.deepEqual(filters(nets.generator), [16, 1]);
  assert.deepEqual(filters(nets.discriminator), [16, 32]);
  nets.generator.dispose();
  nets.discriminator.dispose();
});

test('dcgan at 64×64: G makes 64×64×3 in [-1, 1], D scores it; the example\'s layer widths', () => {
  const nets = buildNetworks({ model: 'dcgan', dataShape: [64, 64, 3], latentDim: 100 });
  const out = tf.tidy(() => {
    const x = nets.generator.predict(tf.randomNormal([2, 100], 0, 1, 'float32', 1)) as tf.Tensor;
    const s = nets.discriminator.predict(x) as tf.Tensor;
    return { xShape: x.shape, sShape: s.shape, max: tf.max(tf.abs(x)).dataSync()[0] };
  });
  assert.deepEqual(out.xShape, [2, 64, 64, 3]);
  assert.deepEqual(out.sShape, [2, 1]);
  assert.ok(out.max <= 1);
  // The PyTorch example has 3,576,704 and 2,765,568 parameters without conv biases; these
  // nets keep gankit's biases (G: 8192 + 256 + 128 + 64 + 3; D: 64 + 128 + 256 + 512 + 1).
  assert.equal(countParams(nets.generator), 3576704 + 8192 + 256 + 128 + 64 + 3 + 2 * 8192 - 2 * 512);
});

test('resnet 32/64/128: shapes, D spectrally normalised, self-attention where asked, no tensor leak', () => {
  for (const side of [32, 64, 128]) {
    const nets = buildResnet({ model: 'resnet', dataShape: [side, side, 3], latentDim: 16 }, { attentionAt: side === 32 ? 16 : 32 });
    assert.deepEqual(nets.generator.outputs[0].shape, [null, side, side, 3]);
    assert.deepEqual(nets.discriminator.outputs[0].shape, [null, 1]);
    if (side === 32) {
      // One forward pass, at the smallest side only, to keep the test quick.
      const before = tf.memory().numTensors;
      const shapes = tf.tidy(() => {
        const x = nets.generator.predict(tf.randomNormal([1, 16], 0, 1, 'float32', 2)) as tf.Tensor;
        const s = nets.discriminator.predict(x) as tf.Tensor;
        return [x.shape, s.shape];
      });
      assert.equal(tf.memory().numTensors, before);
      assert.deepEqual(shapes, [[1, side, side, 3], [1, 1]]);
    }
    const names = (m: typeof nets.generator) => m.layers.map((l) => l.getClassName());
    assert.ok(names(nets.generator).includes('GankitSelfAttention2D'));
    assert.ok(names(nets.discriminator).includes('GankitSelfAttention2D'));
    assert.ok(names(nets.discriminator).filter((n) => n === 'GankitSpectralConv2D').length >= 8);
    assert.ok(names(nets.generator).filter((n) => n === 'Add').length === Math.log2(side / 4));
    nets.generator.dispose();
    nets.discriminator.dispose();
  }
  assert.throws(() => buildResnet({ model: 'resnet', dataShape: [28, 28, 1], latentDim: 8 }), /32×32, 64×64 and 128×128/);
  assert.throws(() => buildResnet({ model: 'resnet', dataShape: [32, 32, 3], latentDim: 8 }, { attentionAt: 32 }), /not a feature-map size/);
});
