/**
 * `npm run bench:gemm`: GFLOP/s of the native backend's GEMM through tf.matMul on the
 * shapes the reference workloads use (batch 64 dense layers, batch 256 WGAN-GP layers)
 * and on 512³, best of 7 timed loops, with warm caches and with the caches flushed before
 * every call (as inside a training step, where the weights were evicted since last use).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeInfo, registerNativeBackend } from '../src/native/index.js';

if (!registerNativeBackend()) {
  console.error(`native backend not available: ${nativeInfo().reason}`);
  process.exit(1);
}
await tf.setBackend('native');
const flush = new Float32Array(16 << 20); // 64 MiB, twice the L3
// [M, K, N, transposeA, transposeB]
const SHAPES: Array<[number, number, number, boolean, boolean]> = [
  [64, 784, 512, false, false], [64, 1024, 784, false, false], [64, 512, 784, false, true], [784, 64, 512, true, false],
  [256, 512, 512, false, false], [256, 512, 512, false, true], [512, 256, 512, true, false], [512, 512, 512, false, false],
];
console.log(`native ${nativeInfo().isa}, ${nativeInfo().threads} threads`);
console.log('| M×K×N | op | warm GFLOP/s | cold GFLOP/s |\n| --- | --- | --- | --- |');
for (const [M, K, N, ta, tb] of SHAPES) {
  const a = tf.randomNormal(ta ? [K, M] : [M, K]), b = tf.randomNormal(tb ? [N, K] : [K, N]);
  // native kernels run synchronously: no dataSync (which would also keep the output out of the pool)
  const call = () => tf.tidy(() => { tf.matMul(a, b, ta, tb); });
  const rate = (cold: boolean) => {
    for (let i = 0; i < 3; i++) call();
    const reps = Math.max(5, Math.round(3e8 / (2 * M * N * K)));
    let best = Infinity;
    for (let r = 0; r < 7; r++) {
      let ms = 0;
      for (let i = 0; i < reps; i++) {
        if (cold) for (let j = 0; j < flush.length; j += 16) flush[j] += 1;
        const t = performance.now();
        call();
        ms += performance.now() - t;
      }
      best = Math.min(best, ms / reps);
    }
    return (2 * M * N * K) / best / 1e6;
  };
  console.log(`| ${M}×${K}×${N} | ${ta ? 'Aᵀ' : 'A'}·${tb ? 'Bᵀ' : 'B'} | ${rate(false).toFixed(0)} | ${rate(true).toFixed(0)} |`);
  tf.dispose([a, b]);
}
