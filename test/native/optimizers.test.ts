/**
 * The fused Adam updates a variable in place only when nothing else can see its buffer:
 * it still gives tf.train.adam's numbers, and arrays read out, clones and user arrays keep
 * their values.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { NativeAdam } from '../../src/native/optimizers.js';
import { loadAddon } from '../../src/native/load.js';
import { NATIVE_DISABLED, Rng, assertClose, requireNative } from './helpers.js';

it('NativeAdam: in-place steps match tf.train.adam; read-out arrays, clones and user arrays are left alone', { skip: NATIVE_DISABLED }, async () => {
  requireNative();
  const rng = new Rng(5);
  const n = 3000;
  const init = rng.uniforms(n, -1, 1);
  const grads = Array.from({ length: 6 }, () => rng.uniforms(n, -1, 1));

  await tf.setBackend('cpu');
  const ref = tf.variable(tf.tensor(init));
  const refOpt = tf.train.adam(0.01, 0.5, 0.999, 1e-8);
  const expected: Float32Array[] = [];
  for (const g of grads) {
    tf.tidy(() => refOpt.applyGradients([{ name: ref.name, tensor: tf.tensor(g) }]));
    expected.push(Float32Array.from(ref.dataSync()));
  }

  await tf.setBackend('native');
  const addon = loadAddon()!;
  const adam = addon.adam;
  let inPlace = 0;
  addon.adam = (...args: Parameters<typeof adam>) => {
    if (args[0] === args[4]) inPlace++;
    return adam(...args);
  };
  try {
    const userArray = Float32Array.from(init);
    const w = tf.variable(tf.tensor(userArray));
    const opt = new NativeAdam(0.01, 0.5, 0.999, 1e-8);
    const step = (i: number) => tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: tf.tensor(grads[i]) }]));
    step(0);
    step(1);
    const readOut = w.dataSync() as Float32Array; // the backend's own array
    const readOutCopy = Float32Array.from(readOut);
    step(2);
    const clone = tf.clone(w); // shares w's data
    step(3);
    const cloneValues = Float32Array.from(clone.dataSync());
    clone.dispose();
    step(4);
    step(5);
    assertClose(w.dataSync(), expected[5], 1e-5, 1e-6, 'weights after 6 steps');
    assert.deepEqual(userArray, init, 'the array the variable was made from changed');
    assert.deepEqual(readOut, readOutCopy, 'an array read out with dataSync() changed');
    assertClose(cloneValues, expected[2], 1e-5, 1e-6, 'a clone taken after 3 steps, read after 4');
    assert.ok(inPlace >= 2, `in-place updates: ${inPlace}`);
    tf.dispose([w]);
    opt.dispose();
  } finally {
    addon.adam = adam;
  }
  tf.dispose(ref);
  refOpt.dispose();
});
