/**
 * The avatar half of scripts/tools-bench.ts (`npx tsx scripts/tools-bench.ts avatars P S`):
 * pix2pix against the L1-only U-Net on avatar line art → colour, P steps each, and SRGAN
 * against SRResNet (the same G on MSE alone) and bicubic on 16×16 → 64×64 avatars, S steps
 * each, all measured on the 500 held-out avatars (the last 500 of the bundled 10,000,
 * which no arm trains on). Writes docs/tools-avatar-pix2pix.png and docs/tools-avatar-srgan.png.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.js';
import { loadDataset, prepareDataset } from '../src/data/index.js';
import { avatarHeldOut } from '../src/data/avatar-pairs.js';
import { byteImageDataset, type ByteImageDataset } from '../src/data/byte-images.js';
import { bicubicUpscale, boxDownscale, isPaired } from '../src/data/paired.js';
import { modelToUnit } from '../src/data/stored.js';
import type { Dataset } from '../src/data/types.js';
import { buildPix2Pix } from '../src/gans/pix2pix.js';
import { buildSrgan } from '../src/gans/srgan.js';
import type { GanVariant } from '../src/gans/types.js';
import { imageGrid } from '../src/io/grid.js';
import { writePng } from '../src/io/png.js';
import { loadAvatarClassifier } from '../src/metrics/avatar-classifier.js';
import { extractFeatures } from '../src/metrics/feature-model.js';
import { frechetDistance } from '../src/metrics/frechet.js';
import { gradientEnergy, meanAbsoluteError, meanOf, psnr, ssim } from '../src/metrics/fidelity.js';
import { resolveConfig, type RunConfig } from '../src/train/config.js';
import { iterationContext } from '../src/train/trainer.js';

const SIZE = 64;
const PER = SIZE * SIZE * 3;
const COLS = 8;

function train(v: GanVariant, config: RunConfig, data: Dataset, steps: number): number {
  const t0 = Date.now();
  for (let s = 0; s < steps; s++) v.trainIteration(iterationContext(config, data, s));
  return (Date.now() - t0) / 1000;
}

/** A model-space function over [0, 1] images in chunks, back to [0, 1]. */
function through(f: (x: tf.Tensor) => tf.Tensor, images: Float32Array, shape: readonly [number, number, number], outPer: number): Float32Array {
  const per = shape[0] * shape[1] * shape[2];
  const n = images.length / per;
  const out = new Float32Array(n * outPer);
  for (let s = 0; s < n; s += 50) {
    const m = Math.min(50, n - s);
    const y = tf.tidy(() => {
      const x = tf.sub(tf.mul(tf.tensor4d(images.subarray(s * per, (s + m) * per), [m, ...shape]), 2), 1);
      return tf.clipByValue(tf.div(tf.add(f(x), 1), 2), 0, 1).dataSync() as Float32Array;
    });
    out.set(y, s * outPer);
  }
  return out;
}

const bytesToUnit = (b: Uint8Array) => Float32Array.from(b, (v) => v / 255);

export async function benchAvatars(p2pSteps: number, srSteps: number): Promise<void> {
  const backend = await initBackend('auto');
  const classifier = await loadAvatarClassifier();
  const features = (images: Float32Array) => extractFeatures(classifier.features, images, [SIZE, SIZE, 3]);
  await prepareDataset('avatar-lineart', {}, { quiet: true });
  const pairs = loadDataset('avatar-lineart', {});
  if (!isPaired(pairs)) throw new Error('avatar-lineart is not paired');
  const colour = loadDataset('avatars', {}) as ByteImageDataset;
  const n = pairs.heldOut.size;
  const trainCount = colour.size - avatarHeldOut(colour.size);
  const heldIdx = Array.from({ length: n }, (_, i) => i);
  const held = pairs.pairsAt('heldOut', heldIdx);
  const lineArt = modelToUnit(held.inputs);
  const target = modelToUnit(held.targets);
  const shape = [n, SIZE, SIZE, 3] as const;
  const targetFeatures = features(target);
  // The floor: 500 real training avatars against the 500 held-out ones.
  const realOther = bytesToUnit(colour.pixels.subarray(0, n * PER));
  const targetEnergy = meanOf(gradientEnergy(target, shape));
  const fd = (images: Float32Array) => frechetDistance(targetFeatures, features(images), classifier.features.featureDim).toFixed(2);
  const sharp = (images: Float32Array) => (meanOf(gradientEnergy(images, shape)) / targetEnergy).toFixed(2);
  console.log(`backend ${backend.name}; ${n} held-out avatars; avatar-classifier features (${classifier.features.featureDim}) for FD`);

  const p2pRows: string[] = [];
  const p2pOut: Float32Array[] = [];
  for (const [arm, adversarialWeight] of [['pix2pix (L1 + GAN)', 1], ['U-Net, L1 only', 0]] as const) {
    const config = resolveConfig({ variant: 'pix2pix', data: 'avatar-lineart', batchSize: 16, seed: 1, steps: p2pSteps, options: { filters: 16, adversarialWeight } }, 'images');
    const v = buildPix2Pix(config, pairs);
    const seconds = train(v, config, pairs, p2pSteps);
    const out = through((x) => (v as ReturnType<typeof buildPix2Pix>).translate(x), lineArt, [SIZE, SIZE, 1], PER);
    p2pOut.push(out);
    p2pRows.push(`| ${arm} | ${p2pSteps} | ${meanOf(meanAbsoluteError(out, target, shape)).toFixed(4)} | ${meanOf(psnr(out, target, shape)).toFixed(2)} | ${meanOf(ssim(out, target, shape)).toFixed(3)} | ${fd(out)} | ${sharp(out)} | ${seconds.toFixed(0)} s |`);
    console.log(p2pRows[p2pRows.length - 1]);
    v.dispose();
  }
  // The real row compares sets only: its images are other avatars, not the targets.
  p2pRows.push(`| real avatars (500 training ones) | – | – | – | – | ${fd(realOther)} | ${sharp(realOther)} | – |`);
  const grey3 = Float32Array.from({ length: COLS * PER }, (_, i) => lineArt[Math.floor(i / 3)]);
  const g1 = new Float32Array(4 * COLS * PER);
  [grey3, p2pOut[0].subarray(0, COLS * PER), p2pOut[1].subarray(0, COLS * PER), target.subarray(0, COLS * PER)].forEach((row, r) => g1.set(row, r * COLS * PER));
  writePng('docs/tools-avatar-pix2pix.png', imageGrid(g1, [4 * COLS, SIZE, SIZE, 3], { cols: COLS, scale: 2 }));

  // SRGAN ×4: trained on the first 9,500 avatars, measured on the held-out 500.
  const trainSet = byteImageDataset({ name: 'avatars', shape: [SIZE, SIZE, 3], pixels: colour.pixels.subarray(0, trainCount * PER), mirror: false });
  const lr = boxDownscale(target, shape, 4);
  const bicubic = bicubicUpscale(lr, [n, 16, 16, 3], 4).map((v) => Math.min(1, Math.max(0, v)));
  const srRow = (arm: string, steps: string, out: Float32Array, seconds: string) =>
    `| ${arm} | ${steps} | ${meanOf(psnr(out, target, shape)).toFixed(2)} | ${meanOf(ssim(out, target, shape)).toFixed(3)} | ${fd(out)} | ${sharp(out)} | ${seconds} |`;
  const srRows = [srRow('bicubic (Keys, a = −0.5)', '–', bicubic, '–')];
  const srOut: Float32Array[] = [];
  for (const [arm, adversarialWeight] of [['SRGAN (MSE + 10⁻³ adversarial)', 1e-3], ['same G, MSE only (SRResNet)', 0]] as const) {
    const config = resolveConfig({ variant: 'srgan', data: 'avatars', batchSize: 16, seed: 1, steps: srSteps, options: { filters: 16, blocks: 2, scale: 4, adversarialWeight } }, 'images');
    const v = buildSrgan(config, trainSet);
    const seconds = train(v, config, trainSet, srSteps);
    const out = through((x) => (v as ReturnType<typeof buildSrgan>).upscale(x), lr, [16, 16, 3], PER);
    srOut.push(out);
    srRows.push(srRow(arm, String(srSteps), out, `${seconds.toFixed(0)} s`));
    console.log(srRows[srRows.length - 1]);
    v.dispose();
  }
  srRows.push(`| real avatars (500 training ones) | – | – | – | ${fd(realOther)} | ${sharp(realOther)} | – |`);
  const nearest = new Float32Array(COLS * PER);
  for (let i = 0; i < COLS; i++)
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++)
        for (let k = 0; k < 3; k++) nearest[((i * SIZE + y) * SIZE + x) * 3 + k] = lr[((i * 16 + (y >> 2)) * 16 + (x >> 2)) * 3 + k];
  const g2 = new Float32Array(5 * COLS * PER);
  [nearest, bicubic.subarray(0, COLS * PER), srOut[0].subarray(0, COLS * PER), srOut[1].subarray(0, COLS * PER), target.subarray(0, COLS * PER)].forEach((row, r) => g2.set(row, r * COLS * PER));
  writePng('docs/tools-avatar-srgan.png', imageGrid(g2, [5 * COLS, SIZE, SIZE, 3], { cols: COLS, scale: 2 }));

  console.log('\nline art → colour | steps | L1 [0,1] ↓ | PSNR dB ↑ | SSIM ↑ | FD ↓ | sharpness (target = 1) | train time');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(p2pRows.join('\n'));
  console.log('\n×4 from 16×16 | steps | PSNR dB ↑ | SSIM ↑ | FD ↓ | sharpness (target = 1) | train time');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(srRows.join('\n'));
}
