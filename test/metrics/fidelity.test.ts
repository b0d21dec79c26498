import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientEnergy, meanAbsoluteError, psnr, ssim } from '../../src/metrics/fidelity.js';
import { MetricError } from '../../src/metrics/errors.js';
import { Rng } from '../../src/core/rng.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('SSIM of identical images is 1 (grey and colour, Gaussian window)', () => {
  const rng = new Rng(1);
  const img = Float32Array.from({ length: 2 * 20 * 24 * 3 }, () => rng.uniform());
  for (const v of ssim(img, img, [2, 20, 24, 3])) close(v, 1, 1e-12);
  const grey = img.subarray(0, 20 * 24);
  close(ssim(grey, grey, [1, 20, 24, 1])[0], 1, 1e-12);
});

test('SSIM on a 2×2 case worked by hand (one uniform 2×2 window, L = 1)', () => {
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  const x = [0, 0, 1, 1];
  // y = x/2: μx = 0.5, μy = 0.25, σx² = 0.5 − 0.25 = 0.25, σy² = 0.125 − 0.0625 = 0.0625,
  // σxy = E[xy] − μxμy = 0.25 − 0.125 = 0.125.
  const half = ((2 * 0.5 * 0.25 + C1) * (2 * 0.125 + C2)) / ((0.25 + 0.0625 + C1) * (0.25 + 0.0625 + C2));
  close(half, (0.2501 * 0.2509) / (0.3126 * 0.3134), 1e-15);
  close(ssim(x, [0, 0, 0.5, 0.5], [1, 2, 2, 1], { windowSize: 2, window: 'uniform' })[0], half, 1e-12);
  // Uncorrelated: y = [0, 1, 0, 1] has μy = 0.5, σy² = 0.25, σxy = 0.25 − 0.25 = 0, so
  // SSIM = (0.5 + C1)(0 + C2) / ((0.5 + C1)(0.5 + C2)) = C2 / (0.5 + C2).
  close(ssim(x, [0, 1, 0, 1], [1, 2, 2, 1], { windowSize: 2, window: 'uniform' })[0], C2 / (0.5 + C2), 1e-12);
  // Anti-correlated: y = 1 − x has σxy = −0.25: SSIM = (0.5 + C1)(−0.5 + C2) / ((0.5 + C1)(0.5 + C2)) < 0.
  close(ssim(x, [1, 1, 0, 0], [1, 2, 2, 1], { windowSize: 2, window: 'uniform' })[0], (-0.5 + C2) / (0.5 + C2), 1e-12);
});

test('SSIM of two flat images: the Gaussian window is normalised, only the luminance term is left', () => {
  const a = new Float32Array(16 * 16).fill(0.5);
  const b = new Float32Array(16 * 16).fill(0.25);
  // σ = 0 everywhere: (2·0.5·0.25 + C1) / (0.25 + 0.0625 + C1).
  close(ssim(a, b, [1, 16, 16, 1])[0], (0.25 + 1e-4) / (0.3125 + 1e-4), 1e-6);
});

test('SSIM falls as noise grows; PSNR, L1 and gradient energy agree with their formulas', () => {
  const rng = new Rng(2);
  const n = 1;
  const img = Float32Array.from({ length: 32 * 32 }, (_, i) => 0.5 + 0.4 * Math.sin(i / 7));
  const noisy = (s: number) => img.map((v) => v + s * (rng.uniform() - 0.5));
  const s1 = ssim(img, noisy(0.1), [n, 32, 32, 1])[0];
  const s2 = ssim(img, noisy(0.4), [n, 32, 32, 1])[0];
  assert.ok(1 > s1 && s1 > s2, `${s1} > ${s2}`);
  // MSE 0.01 → 20 dB; identical images are capped at 100 dB.
  close(psnr([0, 0, 0, 0], [0.1, 0.1, 0.1, 0.1], [1, 2, 2, 1])[0], 20, 1e-9);
  assert.equal(psnr([0.3], [0.3], [1, 1, 1, 1])[0], 100);
  close(meanAbsoluteError([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], [1, 2, 2, 1])[0], 0.5);
  // A vertical unit step between columns 1 and 2: every interior pixel touches it, |gx| = 4, gy = 0.
  const step = Float32Array.from({ length: 16 }, (_, i) => (i % 4 >= 2 ? 1 : 0));
  close(gradientEnergy(step, [1, 4, 4, 1])[0], 4);
  assert.equal(gradientEnergy(new Float32Array(9).fill(0.7), [1, 3, 3, 1])[0], 0);
});

test('SSIM and PSNR refuse what they cannot compute, in one line', () => {
  assert.throws(() => ssim(new Float32Array(49), new Float32Array(49), [1, 7, 7, 1]), (e: Error) => e instanceof MetricError && /11×11 window does not fit 7×7/.test(e.message));
  assert.throws(() => ssim(new Float32Array(4), new Float32Array(3), [1, 2, 2, 1], { windowSize: 2 }), /hold 4 numbers; got 4 and 3/);
  assert.throws(() => psnr([0], [0], [1, 1, 1, 0]), /four positive integers/);
});
