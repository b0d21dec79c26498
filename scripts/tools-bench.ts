/**
 * pix2pix against the same U-Net on L1 alone, and SRGAN against bicubic and the same G on
 * MSE alone, on held-out pairs (docs/tools.md). Short runs on a shared CPU; the numbers are
 * for comparing the arms, not for a leaderboard.
 *   npx tsx scripts/tools-bench.ts [steps]                      digits: edges → digits, 7×7 → 28×28
 *   npx tsx scripts/tools-bench.ts avatars [p2pSteps] [srSteps]  avatars: line art → colour, 16×16 → 64×64
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.js';
import { mnistDataset } from '../src/data/mnist.js';
import { bicubicUpscale, boxDownscale, HELD_OUT_DIGITS } from '../src/data/paired.js';
import { modelToUnit, storedDataset } from '../src/data/stored.js';
import { buildPix2Pix } from '../src/gans/pix2pix.js';
import { buildSrgan } from '../src/gans/srgan.js';
import type { GanVariant } from '../src/gans/types.js';
import { imageGrid } from '../src/io/grid.js';
import { writePng } from '../src/io/png.js';
import { argmaxRows, classifierProbs, loadFeatureClassifier } from '../src/metrics/classifier.js';
import { meanOf, ssim } from '../src/metrics/fidelity.js';
import { resolveConfig } from '../src/train/config.js';
import { iterationContext } from '../src/train/trainer.js';

if (process.argv[2] === 'avatars') {
  const { benchAvatars } = await import('./tools-bench-avatars.js');
  await benchAvatars(Number(process.argv[3] ?? 400), Number(process.argv[4] ?? 250));
  process.exit(0);
}

const steps = Number(process.argv[2] ?? 300);
const EVAL = 500;
await initBackend('auto');
const classifier = await loadFeatureClassifier();

const l1 = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
const psnr = (a: Float32Array, b: Float32Array, per: number) => {
  let total = 0;
  for (let n = 0; n < a.length / per; n++) {
    let se = 0;
    for (let i = n * per; i < (n + 1) * per; i++) se += (a[i] - b[i]) ** 2;
    total += 10 * Math.log10(1 / Math.max(se / per, 1e-10));
  }
  return total / (a.length / per);
};
const accuracy = (images: Float32Array, labels: Int32Array) => {
  const pred = argmaxRows(classifierProbs(classifier, images));
  return pred.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / pred.length;
};
function train(v: GanVariant, config: ReturnType<typeof resolveConfig>, data: Parameters<typeof iterationContext>[1]) {
  for (let s = 0; s < steps; s++) v.trainIteration(iterationContext(config, data, s));
}
const toUnit = (t: tf.Tensor) => {
  const v = modelToUnit(t.dataSync() as Float32Array);
  t.dispose();
  return v;
};

const mnist = mnistDataset();
const rows: string[] = [];
// pix2pix: digit edges → digits, held-out pairs.
const outputs: Record<string, Float32Array> = {};
let heldIn: Float32Array | null = null;
let heldTarget: Float32Array | null = null;
let heldLabels: Int32Array | null = null;
for (const [arm, adversarialWeight] of [['pix2pix (L1 + GAN)', 1], ['U-Net, L1 only', 0]] as const) {
  const config = resolveConfig({ variant: 'pix2pix', data: 'mnist', batchSize: 16, seed: 1, steps, options: { filters: 16, adversarialWeight } }, 'images');
  const v = buildPix2Pix(config, mnist);
  const t0 = Date.now();
  train(v, config, mnist);
  const n = Math.min(EVAL, v.pairs.heldOut.size);
  const held = v.pairs.pairsAt('heldOut', Array.from({ length: n }, (_, i) => i));
  heldIn = held.inputs;
  heldTarget = modelToUnit(held.targets);
  heldLabels = v.pairs.heldOut.labels!.subarray(0, n);
  const x = tf.tensor4d(heldIn, [n, 28, 28, 1]);
  const out = toUnit(v.translate(x));
  x.dispose();
  outputs[arm] = out;
  rows.push(`| ${arm} | ${steps} | ${l1(out, heldTarget).toFixed(4)} | ${psnr(out, heldTarget, 784).toFixed(2)} | ${(100 * accuracy(out, heldLabels)).toFixed(1)}% | ${((Date.now() - t0) / 1000).toFixed(0)} s |`);
  v.dispose();
}
rows.push(`| targets (real digits) | – | 0 | ∞ | ${(100 * accuracy(heldTarget!, heldLabels!)).toFixed(1)}% | – |`);
const k = 10;
const grid = new Float32Array(4 * k * 784);
grid.set(modelToUnit(heldIn!.subarray(0, k * 784)), 0);
grid.set(outputs['pix2pix (L1 + GAN)'].subarray(0, k * 784), k * 784);
grid.set(outputs['U-Net, L1 only'].subarray(0, k * 784), 2 * k * 784);
grid.set(heldTarget!.subarray(0, k * 784), 3 * k * 784);
writePng('docs/tools-pix2pix.png', imageGrid(grid, [4 * k, 28, 28, 1], { cols: k, scale: 3 }));
console.log('| arm | steps | L1 [0,1] ↓ | PSNR dB ↑ | classifier acc. ↑ | train time |\n| --- | --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));

// SRGAN ×4: 7×7 → 28×28, trained on the first 9,000 digits, measured on the held-out 1,000's first 500.
const size = mnist.size - HELD_OUT_DIGITS;
const trainSet = storedDataset({ name: 'mnist', kind: 'images', shape: [28, 28, 1], x: mnist.x.subarray(0, size * 784), labels: mnist.labels!.subarray(0, size), numClasses: 10 });
const hr = modelToUnit(mnist.x.subarray(size * 784, (size + EVAL) * 784));
const hrLabels = mnist.labels!.subarray(size, size + EVAL);
const lr = boxDownscale(hr, [EVAL, 28, 28, 1], 4);
const sr: string[] = [];
const bicubic = bicubicUpscale(lr, [EVAL, 7, 7, 1], 4).map((v) => Math.min(1, Math.max(0, v)));
const ssim28 = (a: Float32Array) => meanOf(ssim(a, hr, [EVAL, 28, 28, 1])).toFixed(3);
sr.push(`| bicubic | – | ${psnr(bicubic, hr, 784).toFixed(2)} | ${ssim28(bicubic)} | ${(100 * accuracy(bicubic, hrLabels)).toFixed(1)}% | – |`);
const srOut: Record<string, Float32Array> = {};
for (const [arm, adversarialWeight] of [['SRGAN (MSE + 10⁻³ GAN)', 1e-3], ['same G, MSE only (SRResNet)', 0]] as const) {
  const config = resolveConfig({ variant: 'srgan', data: 'mnist', batchSize: 16, seed: 1, steps, options: { filters: 16, blocks: 2, adversarialWeight } }, 'images');
  const v = buildSrgan(config, trainSet);
  const t0 = Date.now();
  train(v, config, trainSet);
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  const x = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(lr, [EVAL, 7, 7, 1]), 2), 1));
  const out = toUnit(v.upscale(x));
  x.dispose();
  srOut[arm] = out;
  sr.push(`| ${arm} | ${steps} | ${psnr(out, hr, 784).toFixed(2)} | ${ssim28(out)} | ${(100 * accuracy(out, hrLabels)).toFixed(1)}% | ${seconds} s |`);
  v.dispose();
}
const g2 = new Float32Array(5 * k * 784);
const nearest = bicubicUpscale(lr.subarray(0, k * 49), [k, 7, 7, 1], 4).map(() => 0);
for (let i = 0; i < k; i++) for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) nearest[i * 784 + y * 28 + x] = lr[i * 49 + Math.floor(y / 4) * 7 + Math.floor(x / 4)];
g2.set(nearest, 0);
g2.set(bicubic.subarray(0, k * 784), k * 784);
g2.set(srOut['SRGAN (MSE + 10⁻³ GAN)'].subarray(0, k * 784), 2 * k * 784);
g2.set(srOut['same G, MSE only (SRResNet)'].subarray(0, k * 784), 3 * k * 784);
g2.set(hr.subarray(0, k * 784), 4 * k * 784);
writePng('docs/tools-srgan.png', imageGrid(g2, [5 * k, 28, 28, 1], { cols: k, scale: 3 }));
console.log('\n| ×4 from 7×7 | steps | PSNR dB ↑ | SSIM ↑ | classifier acc. ↑ | train time |\n| --- | --- | --- | --- | --- | --- |');
console.log(sr.join('\n'));
