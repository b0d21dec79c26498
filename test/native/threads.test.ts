/**
 * The addon's own worker threads (src/native/csrc/threads.cc): results depend on the work's
 * split alone, never on which thread ran what or when it woke; more threads than cores
 * still work; an idle process does not keep a core spinning.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { nativeInfo, setNativeThreads } from '../../src/native/index.js';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

const rng = new Rng(777);

/** Every output of f, as bits, run `times` times on fresh tensors. */
function repeat(times: number, make: () => tf.Tensor[], f: (...t: tf.Tensor[]) => tf.Tensor): Float32Array[] {
  const outs: Float32Array[] = [];
  for (let i = 0; i < times; i++) {
    const ins = make();
    const y = f(...ins);
    outs.push(y.dataSync() as Float32Array);
    tf.dispose([y, ...ins]);
  }
  return outs;
}

describe('native worker threads', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  const defaultThreads = Math.max(1, nativeInfo().threads);
  before(async () => {
    requireNative();
    await tf.setBackend('native');
  });
  after(() => setNativeThreads(defaultThreads));

  for (const threads of [2, 5]) {
    it(`${threads} threads: GEMM, convolution gradients and reductions are bit-identical run to run`, () => {
      setNativeThreads(threads);
      const x = rng.uniforms(16 * 14 * 14 * 32, -1, 1), dy = rng.uniforms(16 * 7 * 7 * 48, -1, 1);
      const a = rng.uniforms(64 * 700, -1, 1), b = rng.uniforms(700 * 300, -1, 1);
      const cases: Array<[string, () => tf.Tensor[], (...t: tf.Tensor[]) => tf.Tensor]> = [
        ['conv2dBackpropFilter', () => [tf.tensor4d(x, [16, 14, 14, 32]), tf.tensor4d(dy, [16, 7, 7, 48])],
          (xt, dyt) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xt, dy: dyt },
            { strides: 2, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [4, 4, 32, 48] } as never) as tf.Tensor],
        ['matMul A·Bᵀ (thin)', () => [tf.tensor2d(a, [64, 700]), tf.tensor2d(b, [300, 700])], (at, bt) => tf.matMul(at, bt, false, true)],
        ['matMul Aᵀ·B (tall)', () => [tf.tensor2d(a, [700, 64]), tf.tensor2d(a, [700, 64])], (at, bt) => tf.matMul(at, bt, true, false)],
        ['sum over the batch', () => [tf.tensor2d(b, [700, 300])], (t) => tf.sum(t, 0)],
      ];
      for (const [name, make, f] of cases) {
        const outs = repeat(8, make, f);
        for (let i = 1; i < outs.length; i++) {
          assert.deepEqual(new Uint32Array(outs[i].buffer, outs[i].byteOffset, outs[i].length),
            new Uint32Array(outs[0].buffer, outs[0].byteOffset, outs[0].length), `${name}: run ${i} differs from run 0`);
        }
      }
    });
  }

  it('an idle process leaves the cores alone (workers sleep soon after the last kernel)', async () => {
    setNativeThreads(2);
    const a = tf.randomNormal([256, 512]), b = tf.randomNormal([512, 512]);
    for (let i = 0; i < 20; i++) tf.tidy(() => { tf.matMul(a, b); });
    tf.dispose([a, b]);
    const start = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1000));
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    // A worker spinning through the second would use about 1000 ms.
    assert.ok(ms < 300, `process used ${ms.toFixed(0)} ms of CPU while idle for 1000 ms`);
  });
});
