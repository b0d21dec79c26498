import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { EqualizedConv2D, EqualizedDense, heConstant } from '../../src/nn/equalized.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `element ${i}: ${a[i]} vs ${b[i]}`);
}

test('He constant is gain / sqrt(fan-in)', () => {
  assert.equal(heConstant(8), Math.SQRT2 / Math.sqrt(8));
  assert.equal(heConstant(9, 1), 1 / 3);
});

test('equalised dense multiplies its stored weights by the He constant at run time', async () => {
  await initBackend('cpu');
  // 8 x 64 stored weights: their sample std is within about 0.03 of 1 (with 8 x 3 it was
  // within 0.14, and an unseeded draw once fell to 0.58).
  const layer = new EqualizedDense({ units: 64 });
  const x = tf.randomNormal([4, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = layer.apply(x) as tf.Tensor;
  const [w, b] = layer.getWeights();
  assert.deepEqual(w.shape, [8, 64]);
  // The stored kernel is N(0, 1), not pre-scaled: its std is near 1, far from c = 0.5.
  const std = Math.sqrt(tf.moments(w).variance.dataSync()[0]);
  assert.ok(std > 0.6 && std < 1.5, `stored weight std ${std}`);
  const c = Math.SQRT2 / Math.sqrt(8);
  close(y.dataSync(), tf.add(tf.matMul(x, tf.mul(w, c) as tf.Tensor2D), b).dataSync());
  // And the layer's output is NOT x·W (that would be the un-equalised layer).
  const plain = tf.matMul(x, w as tf.Tensor2D).dataSync();
  assert.ok(Math.abs(plain[0] - y.dataSync()[0]) > 1e-3 || Math.abs(plain[1] - y.dataSync()[1]) > 1e-3);
  // Gradient w.r.t. the stored weight carries the constant: dL/dW = c · xᵀ·dL/dy.
  const kernelVar = layer.trainableWeights[0].read() as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, [kernelVar]);
  const expected = tf.mul(tf.matMul(x, tf.ones([4, 64]), true, false), c);
  close(grads[kernelVar.name].dataSync(), expected.dataSync());
  tf.dispose([x, y, w, b, expected, grads[kernelVar.name]]);
});

test('equalised conv scales by gain / sqrt(k·k·channels) and is serialisable', async () => {
  await initBackend('cpu');
  const layer = new EqualizedConv2D({ filters: 2, kernelSize: 3, gain: 1, inputShape: [5, 5, 4] });
  const model = tfl.sequential({ layers: [layer] });
  const x = tf.randomNormal([2, 5, 5, 4], 0, 1, 'float32', 2);
  const y = model.predict(x) as tf.Tensor;
  const [w, b] = layer.getWeights();
  assert.equal(layer.scale, 1 / 6);
  close(y.dataSync(), tf.add(tf.conv2d(x as tf.Tensor4D, tf.mul(w, 1 / 6) as tf.Tensor4D, 1, 'same'), b).dataSync());
  const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as object } as never);
  restored.setWeights([w, b]);
  const again = restored.predict(x) as tf.Tensor;
  close(again.dataSync(), y.dataSync());
  assert.equal((restored.layers[0] as EqualizedConv2D).scale, 1 / 6);
  tf.dispose([x, y, w, b, again]);
});
