/**
 * A training step of cgan, the stabilised DCGAN (EMA, DiffAugment, minibatch stddev, R1)
 * and sagan (self-attention, spectral norm), built from their configs as `gankit train`
 * builds them, at batch 4 on the native backend: no native kernel hands its case to the
 * cpu kernel, and the kernels only the cpu backend has run only where they move no data
 * (Reshape, Identity, a Cast) or on tiny inputs (labels, scalars, per-channel vectors). A new cpu-only kernel
 * on activations, or a fallback, fails here, as the kernel tests fail on theirs.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { cpuOnlyCounts, cpuOnlyLargestInputs, nativeFallbackCounts } from '../../src/native/index.js';
import { makeVariantStepper } from '../../bench/variants.js';
import { loadDataset } from '../../src/data/index.js';
import { createVariant } from '../../src/gans/index.js';
import { resolveConfig } from '../../src/train/config.js';
import { iterationContext } from '../../src/train/trainer.js';
import { NATIVE_DISABLED, requireNative } from './helpers.js';
import { ATTENTION_SOFTMAX, ATTENTION_APPLY_BACKWARD } from '../../src/native/attention.js';

/** cpu kernels that move no data here: a reshape or identity is a new reference, a same-dtype cast too. */
const NO_DATA = new Set([tf.Reshape, tf.Identity, tf.Cast]);
/**
 * Inputs up to this size (labels, scalars, a per-channel vector such as the Pow in the
 * second-order gradient of batch norm's rsqrt under R1) may take a cpu kernel.
 */
const TINY = 1024;

describe('variant training steps stay on the native kernels', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(async () => {
    requireNative();
    await initBackend('native');
  });
  for (const config of ['cgan-mnist', 'stabilised-dcgan-mnist', 'sagan-mnist']) {
    it(config, () => {
      const s = makeVariantStepper(config, { batch: 4 });
      try {
        s.step(); // builds the models and the optimizer state
        nativeFallbackCounts(true);
        cpuOnlyCounts(true);
        const before = tf.memory().numTensors;
        s.step();
        s.step();
        assert.equal(tf.memory().numTensors, before, 'tensors leaked over steps');
        assert.deepEqual(nativeFallbackCounts(true), {}, 'native kernels fell back to cpu');
        const largest = cpuOnlyLargestInputs();
        const heavy = Object.keys(cpuOnlyCounts()).filter((k) => !NO_DATA.has(k) && largest[k] > TINY);
        assert.deepEqual(heavy.map((k) => `${k} (${largest[k]} elements)`), [], 'cpu-only kernels on large inputs');
      } finally {
        s.dispose();
      }
    });
  }

  // SAGAN's attention on the fast path: its map and the map's gradient are the fused native
  // kernels (src/native/attention.ts), not a BatchMatMul and a Softmax with the composed
  // softmax gradient (a fifth of the step, docs/speed.md "Variants table").
  it('sagan-mnist: the attention map and its gradient are the fused native kernels', async () => {
    const s = makeVariantStepper('sagan-mnist', { batch: 4 });
    try {
      s.step();
      const info = await tf.profile(() => s.step());
      const names = new Set(info.kernelNames);
      for (const k of [ATTENTION_SOFTMAX, ATTENTION_APPLY_BACKWARD]) assert.ok(names.has(k), `${k} did not run; kernels: ${[...names].join(', ')}`);
      assert.ok(!names.has(tf.Softmax), 'Softmax ran: the attention map was composed');
    } finally {
      s.dispose();
    }
  });

  // SeqGAN once needed --backend wasm: its GRU's SplitV (24 per forward pass) went to the cpu
  // kernel and took 5.35 of 6.0 s at batch 1,792 (docs/text.md). The GRU's time loop
  // (Transpose, Unpack, Pack), its hard sigmoid (ClipByValue) and token bookkeeping (OneHot,
  // Cast, ArgMax) still take cpu kernels; any other heavy cpu kernel fails here.
  it('seqgan (policy gradient over roll-outs): no fallbacks, no SplitV, Slice or Concat on cpu', () => {
    const data = loadDataset('words');
    const config = resolveConfig({ variant: 'seqgan', data: 'words', batchSize: 4, seed: 1, hidden: [8, 1], options: { pretrainSteps: 0, rollouts: 2, embedding: 4, units: 8 } }, data.kind);
    const v = createVariant(config, data);
    try {
      v.trainIteration(iterationContext(config, data, 0));
      nativeFallbackCounts(true);
      cpuOnlyCounts(true);
      const before = tf.memory().numTensors;
      v.trainIteration(iterationContext(config, data, 1));
      assert.equal(tf.memory().numTensors, before, 'tensors leaked over steps');
      assert.deepEqual(nativeFallbackCounts(true), {}, 'native kernels fell back to cpu');
      const known = new Set([...NO_DATA, tf.Transpose, tf.Unpack, tf.Pack, tf.ClipByValue, tf.OneHot, tf.ArgMax, tf.LogicalAnd]);
      const largest = cpuOnlyLargestInputs();
      const heavy = Object.keys(cpuOnlyCounts()).filter((k) => !known.has(k) && largest[k] > TINY);
      assert.deepEqual(heavy.map((k) => `${k} (${largest[k]} elements)`), [], 'cpu-only kernels on large inputs');
    } finally {
      v.dispose();
    }
  });
});
