/**
 * Deferred gradient kernels (src/native/deferred.ts): inside a custom gradient's function
 * the GEMM, convolution-gradient and Sum kernels run on first read, and never when their
 * output is disposed unread. The gradients that are used come out bit for bit the same.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NativeAdam } from '../../src/native/index.js';
import type { NativeBackend } from '../../src/native/backend.js';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

const rng = new Rng(777);

function native(): NativeBackend {
  return tf.backend() as NativeBackend;
}

/**
 * G (dense) → D (conv, dense) as tfjs-layers builds them. Activations are layers of their own,
 * as in the reference workloads: in training TF.js fuses only linear layers (shouldFuse), and
 * those fused ops (_FusedMatMul, FusedConv2D) are the ones with customGrad gradients.
 */
function buildNets(): { G: tfl.Sequential; D: tfl.Sequential } {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const G = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4 * 4 * 8, inputShape: [6], kernelInitializer: init(1) }),
      tfl.layers.reLU(),
      tfl.layers.reshape({ targetShape: [4, 4, 8] }),
    ],
  });
  const D = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', inputShape: [4, 4, 8], kernelInitializer: init(2) }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1, kernelInitializer: init(3) }),
    ],
  });
  return { G, D };
}

/** A generator step's gradients: only G's variables are trained, D's weight gradients are not needed. */
function generatorGradients(G: tfl.Sequential, D: tfl.Sequential, z: tf.Tensor): Float32Array[] {
  const vars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.mean(D.apply(G.apply(z)) as tf.Tensor) as tf.Scalar, vars);
  const out = vars.map((v) => grads[v.name].dataSync().slice() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('native deferred gradient kernels', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(async () => {
    requireNative();
    await tf.setBackend('native');
  });

  it('a generator step never computes the discriminator\'s weight gradients, and its own are unchanged', () => {
    const { G, D } = buildNets();
    const z = tf.tensor2d(rng.normals(3 * 6), [3, 6]);
    const b = native();
    b.deferGradients = false;
    const eager = generatorGradients(G, D, z);
    b.deferGradients = true;
    b.deferred.run = b.deferred.dropped = 0;
    const lazy = generatorGradients(G, D, z);
    // dense dW and bias sum, conv filter gradient and bias sum: D's, never read
    assert.ok(b.deferred.dropped >= 4, `only ${b.deferred.dropped} deferred calls dropped`);
    assert.ok(b.deferred.run >= 3, `only ${b.deferred.run} deferred calls run`);
    lazy.forEach((g, i) => assert.deepEqual(g, eager[i], `gradient ${i}`));
    tf.dispose(z);
    G.dispose();
    D.dispose();
  });

  it('keeps tensors and data buffers flat over training steps, and leaves nothing pending', () => {
    const { G, D } = buildNets();
    const gOpt = new NativeAdam(1e-3, 0.5, 0.999, 1e-8), dOpt = new NativeAdam(1e-3, 0.5, 0.999, 1e-8);
    const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
    const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => tf.tidy(() => {
      const z = tf.tensor2d(rng.normals(3 * 6), [3, 6]);
      gOpt.minimize(() => tf.mean(D.apply(G.apply(z)) as tf.Tensor) as tf.Scalar, false, gVars);
      dOpt.minimize(() => tf.neg(tf.mean(D.apply(G.apply(z)) as tf.Tensor)) as tf.Scalar, false, dVars);
    });
    step();
    const m0 = tf.memory();
    for (let i = 0; i < 5; i++) step();
    const m1 = tf.memory();
    assert.equal(m1.numTensors, m0.numTensors, 'tensors');
    assert.equal(m1.numDataBuffers, m0.numDataBuffers, 'data buffers');
    assert.equal((native() as unknown as { pending: Map<object, unknown> }).pending.size, 0, 'pending calls');
    gOpt.dispose();
    dOpt.dispose();
    G.dispose();
    D.dispose();
  });

  it('a deferred result reads its inputs as they were, though they were disposed and their buffers reused', () => {
    const b = native();
    const n = 48;
    const av = rng.normals(n * n), bv = rng.normals(n * n);
    const a = tf.tensor2d(av, [n, n]), w = tf.tensor2d(bv, [n, n]);
    const expected = tf.matMul(a, w).dataSync().slice();
    const before = b.deferred.run;
    b.deferDepth++;
    const c = tf.matMul(a, w);
    b.deferDepth--;
    tf.dispose([a, w]);
    // same-size outputs: the pool would hand a freed input buffer to these
    const noise = [tf.fill([n, n], 7), tf.fill([n, n], -3), tf.add(tf.ones([n, n]), 1)];
    assert.equal(b.deferred.run, before, 'computed before it was read');
    assert.deepEqual(c.dataSync(), expected);
    assert.equal(b.deferred.run, before + 1);
    tf.dispose([c, ...noise]);
  });

  it('a deferred result disposed unread is dropped and frees what it held', () => {
    const b = native();
    const start = tf.memory().numDataBuffers;
    const a = tf.tensor2d(rng.normals(64), [8, 8]);
    b.deferDepth++;
    const c = tf.matMul(a, a);
    b.deferDepth--;
    const { run, dropped } = b.deferred;
    tf.dispose([a, c]);
    assert.equal(b.deferred.dropped, dropped + 1);
    assert.equal(b.deferred.run, run);
    assert.equal(tf.memory().numDataBuffers, start, 'data buffers freed');
  });

  it('an in-place optimizer step does not change a variable that a deferred result still reads', () => {
    const b = native();
    const vv = rng.normals(16 * 16);
    const x = tf.tensor2d(rng.normals(4 * 16), [4, 16]);
    // a kernel's output: a buffer private to the backend, which Adam may update in place
    const make = () => tf.tidy(() => tf.variable(tf.mul(tf.tensor2d(vv, [16, 16]), 1)));
    const expected = tf.tidy(() => tf.matMul(x, tf.tensor2d(vv, [16, 16])).dataSync().slice());
    const opt = new NativeAdam(0.1, 0.5, 0.999, 1e-8);
    const g = tf.ones([16, 16]);
    const buffer = (t: tf.Tensor) => b.data.get(t.dataId).values;

    // Control: with nothing else holding it, the step updates the variable's buffer in place.
    const free = make();
    const own = buffer(free);
    opt.applyGradients({ [free.name]: g });
    assert.equal(buffer(free), own, 'updated in place');

    const held = make();
    b.deferDepth++;
    const y = tf.matMul(x, held);
    b.deferDepth--;
    opt.applyGradients({ [held.name]: g });
    assert.notDeepEqual(held.dataSync(), vv, 'the step changed the variable');
    assert.deepEqual(y.dataSync(), expected);
    tf.dispose([free, held, x, y, g]);
    opt.dispose();
  });
});
