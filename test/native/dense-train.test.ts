/**
 * tfjs-layers' Dense on rank-2 input without tf.fused.matMul's reshapes (src/native/dense-train.ts):
 * bit for bit the output and gradients of the layer's own path on the native backend, the
 * cpu backend's to 1e-4, first and second order, with a third fewer kernel calls.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeBackend } from '../../src/native/backend.js';
import { registerMissingGradients } from '../../src/backend/gradients.js';
import { NATIVE_DISABLED, Rng, assertClose, requireNative } from './helpers.js';

const rng = new Rng(1357);
registerMissingGradients(); // the cpu backend's second order through LeakyReLU

/** Every activation path: fused into the kernel (relu, linear), applied after it (tanh, sigmoid), no bias. */
function buildNet(): tfl.Sequential {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 24, inputShape: [5], activation: 'relu', kernelInitializer: init(1), biasInitializer: 'randomNormal' }),
      tfl.layers.dense({ units: 17, activation: 'tanh', kernelInitializer: init(2), biasInitializer: 'randomNormal' }),
      tfl.layers.dense({ units: 19, activation: 'sigmoid', useBias: false, kernelInitializer: init(3) }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.dense({ units: 3, kernelInitializer: init(4), biasInitializer: 'randomNormal' }),
    ],
  });
}

interface Result {
  y: Float32Array;
  grads: Float32Array[];
  penaltyGrads: Float32Array[];
  kernels: number;
}

/** Output, loss gradients and a gradient penalty's gradients of `net` on `backend`. */
async function run(backend: string, fused: boolean, weights: Float32Array[], x: Float32Array): Promise<Result> {
  await tf.setBackend(backend);
  if (backend === 'native') (tf.backend() as NativeBackend).fusedDense = fused;
  const net = buildNet();
  net.setWeights(weights.map((w, i) => tf.tensor(w, net.getWeights()[i].shape)));
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (t: tf.Tensor) => net.apply(t, { training: true }) as tf.Tensor;
  const xt = tf.tensor2d(x, [9, 5]);
  const before = tf.memory().numTensors;
  const y = tf.tidy(() => f(xt).dataSync().slice());
  let kernels = 0;
  const grads = await (async () => {
    const prof = await tf.profile(() => {
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(f(xt))) as tf.Scalar, vars);
      const out = vars.map((v) => g[v.name].dataSync().slice());
      tf.dispose([value, ...Object.values(g)]);
      return out as unknown as tf.Tensor;
    });
    kernels = prof.kernels.length;
    return prof.result as unknown as Float32Array[];
  })();
  const { value, grads: pg } = tf.variableGrads(() => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(xt);
    return tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1))) as tf.Scalar;
  }, vars);
  // (the last bias does not move the input gradient: no entry, an empty array here)
  const penaltyGrads = vars.map((v) => (pg[v.name] ? pg[v.name].dataSync().slice() : new Float32Array(0)) as Float32Array);
  tf.dispose([value, ...Object.values(pg)]);
  assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  xt.dispose();
  net.dispose();
  if (backend === 'native') (tf.backend() as NativeBackend).fusedDense = true;
  return { y, grads, penaltyGrads, kernels };
}

describe('native dense layers on rank-2 input', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(() => requireNative());
  after(async () => { await tf.setBackend('native'); });

  it('give the layer\'s own output and gradients bit for bit, the cpu backend\'s to 1e-4, first and second order', async () => {
    await tf.setBackend('cpu');
    const weights = tf.tidy(() => buildNet().getWeights().map((w) => w.dataSync().slice() as Float32Array));
    const x = rng.uniforms(45, -1, 1);
    const cpu = await run('cpu', true, weights, x);
    const fused = await run('native', true, weights, x);
    const plain = await run('native', false, weights, x);
    assert.deepEqual(fused.y, plain.y, 'output');
    assert.deepEqual(fused.penaltyGrads.map((g) => g.length), [120, 24, 408, 17, 323, 57, 0], 'penalty gradients of every weight but the last bias');
    fused.grads.forEach((g, i) => assert.deepEqual(g, plain.grads[i], `gradient ${i}`));
    fused.penaltyGrads.forEach((g, i) => assert.deepEqual(g, plain.penaltyGrads[i], `penalty gradient ${i}`));
    assertClose(fused.y, cpu.y, 1e-4, 1e-6, 'output vs cpu');
    fused.grads.forEach((g, i) => assertClose(g, cpu.grads[i], 1e-4, 1e-6, `gradient ${i} vs cpu`));
    fused.penaltyGrads.forEach((g, i) => assertClose(g, cpu.penaltyGrads[i], 1e-4, 1e-6, `penalty gradient ${i} vs cpu`));
    // the point of it: a training step's kernel calls (reshapes and their saved clones gone)
    assert.ok(fused.kernels < plain.kernels * 0.8, `kernel calls ${fused.kernels} fused vs ${plain.kernels} without`);
  });

  it('leaves input of other ranks to the layer\'s own path', async () => {
    await tf.setBackend('native');
    const layer = tfl.layers.dense({ units: 4, inputShape: [3, 6], kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) });
    const x = tf.tensor3d(rng.uniforms(36, -1, 1), [2, 3, 6]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    assert.deepEqual(y.shape, [2, 3, 4]);
    const want = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [6, 6]), layer.getWeights()[0]), [2, 3, 4]));
    assertClose(y.dataSync(), want.dataSync(), 1e-5, 1e-6, 'rank-3 dense');
    tf.dispose([x, y, want]);
  });
});
