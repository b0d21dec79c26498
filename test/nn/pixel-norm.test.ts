import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { PixelNorm, pixelNorm } from '../../src/nn/pixel-norm.js';

test('pixel norm divides each pixel by the RMS of its own channels', async () => {
  await initBackend('cpu');
  // Two pixels of three channels: (3, 4, 0) has RMS 5/√3; (1, 1, 1) has RMS 1.
  const x = tf.tensor4d([3, 4, 0, 1, 1, 1], [1, 1, 2, 3]);
  const y = pixelNorm(x, 0).dataSync();
  const r = 5 / Math.sqrt(3);
  const expected = [3 / r, 4 / r, 0, 1, 1, 1];
  expected.forEach((e, i) => assert.ok(Math.abs(y[i] - e) < 1e-5, `element ${i}: ${y[i]} vs ${e}`));
  tf.dispose(x);
});

test('after pixel norm every pixel has unit mean square over channels, whatever its scale', async () => {
  await initBackend('cpu');
  const scales = tf.tensor4d([0.1, 1, 100, 7], [1, 2, 2, 1]);
  const x = tf.mul(tf.randomNormal([1, 2, 2, 16], 0, 1, 'float32', 3), scales);
  const layer = new PixelNorm();
  const y = layer.apply(x) as tf.Tensor;
  const ms = tf.mean(tf.square(y), -1).dataSync();
  for (const m of ms) assert.ok(Math.abs(m - 1) < 1e-4, `mean square ${m}`);
  // Directions are kept: y is x scaled per pixel by a positive number.
  const cos = tf.div(tf.sum(tf.mul(x, y), -1), tf.mul(tf.norm(x, 'euclidean', -1), tf.norm(y, 'euclidean', -1))).dataSync();
  for (const c of cos) assert.ok(c > 0.9999, `cosine ${c}`);
  tf.dispose([scales, x, y]);
});

test('the pixel norm layer survives serialisation with its epsilon', async () => {
  await initBackend('cpu');
  const model = tfl.sequential({ layers: [new PixelNorm({ epsilon: 1e-3, inputShape: [2, 2, 4] })] });
  const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as object } as never);
  const layer = restored.layers[0] as PixelNorm;
  assert.ok(layer instanceof PixelNorm);
  assert.equal(layer.epsilon, 1e-3);
});
