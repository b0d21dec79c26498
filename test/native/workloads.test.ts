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
import { setNativeThreads, setNativeWinograd } from '../../src/native/index.js';
import { Rng, makeTrainer, type WorkloadName } from '../../bench/workloads.js';
import { NATIVE_DISABLED, requireNative } from './helpers.js';

/** Relative agreement of every logged loss over the iterations ("about 1e-3"). */
const TOLERANCE = 1e-3;

const PLAN: Array<{ name: WorkloadName; batch: number; iterations: number; threads: number }> = [
  { name: 'mlp-mnist', batch: 8, iterations: 20, threads: 2 },
  { name: 'wgangp-toy', batch: 16, iterations: 4, threads: 1 },
  { name: 'dcgan-mnist', batch: 4, iterations: 5, threads: 2 },
  { name: 'dcgan-cifar', batch: 2, iterations: 2, threads: 1 },
];

/**
 * Fixed initial weights: constant tensors (biases, batch-norm scales and statistics) as
 * the layers make them, every other weight 0.05 * N(0, 1) from a seeded generator. With
 * TF.js's unseeded initializers the starting point changed every run, and from some
 * starting points a gradient component within rounding of zero flips the sign of its
 * first Adam update (an update of +-lr whatever the gradient's size), so the test passed
 * or failed by chance (1e-5 to 6e-3 apart on dcgan-mnist at batch 4 over 6 runs).
 */
async function fixedInit(name: WorkloadName, batch: number): Promise<Float32Array[]> {
  await tf.setBackend('native');
  const proto = makeTrainer(name, { batch, seed: 7 });
  const rng = new Rng(11);
  const init = proto.weights().map((w) => (w.every((v) => v === w[0]) ? w : rng.normals(w.length).map((v) => 0.05 * v)));
  proto.dispose();
  return init;
}

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
      const nat = await losses('native', name, batch, iterations, await fixedInit(name, batch));
      const cpu = await losses('cpu', name, batch, iterations, nat.init);
      for (let i = 0; i < cpu.out.length; i++) {
        const a = nat.out[i], e = cpu.out[i];
        assert.ok(Number.isFinite(a), `${name}: loss ${i} is ${a}`);
        // From the fixed start the worst relative difference measured was 2e-5 (dcgan-cifar).
        assert.ok(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)),
          `${name}: iteration ${i >> 1} ${i & 1 ? 'G' : 'D'} loss ${a} on native, ${e} on cpu`);
      }
    });
  }

  // The batches above are too small for the Winograd convolutions (64 tiles or more), so
  // cpu is matched through the direct ones; here Winograd trains against them. Training
  // amplifies any change of rounding about 3x per iteration from this start: the direct
  // path alone, at 1 thread against 2, differs by 1e-7 at first and by 1e-3 at iteration 16;
  // Winograd's convolutions round differently from the start (about 1e-5 of their largest
  // value) and reach 1e-3 at iteration 7 (2e-4 at iteration 5, 2.4e-5 at 4). Hence 5.
  it('dcgan-mnist: 5 iterations at batch 16 with Winograd convolutions match the direct ones', async () => {
    setNativeThreads(2);
    const init = await fixedInit('dcgan-mnist', 16);
    const on = await losses('native', 'dcgan-mnist', 16, 5, init);
    setNativeWinograd(false);
    try {
      const off = await losses('native', 'dcgan-mnist', 16, 5, init);
      assert.notDeepEqual(on.out, off.out, 'the Winograd path never ran');
      for (let i = 0; i < off.out.length; i++) {
        const a = on.out[i], e = off.out[i];
        assert.ok(Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e)),
          `iteration ${i >> 1} ${i & 1 ? 'G' : 'D'} loss ${a} with Winograd, ${e} direct`);
      }
    } finally {
      setNativeWinograd(true);
    }
  });
});
