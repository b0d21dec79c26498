import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frechetDistance, frechetFromStats, gaussianStats, type GaussianStats } from '../../src/metrics/frechet.js';
import { matmul, symmetricEigen, symmetricSqrt } from '../../src/metrics/linalg.js';
import { Rng } from '../../src/train/rng.js';

function stats(mean: number[], cov: number[]): GaussianStats {
  return { mean: Float64Array.from(mean), cov: Float64Array.from(cov), dim: mean.length, n: Infinity };
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('Jacobi eigensolver reconstructs a random symmetric matrix and its square root squares back', () => {
  const rng = new Rng(3);
  const d = 12;
  const b = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) b[i] = rng.normal();
  // A = BᵀB is symmetric positive semi-definite.
  const bt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) bt[i * d + j] = b[j * d + i];
  const a = matmul(bt, b, d);
  const { values, vectors } = symmetricEigen(a, d);
  for (let i = 1; i < d; i++) assert.ok(values[i] >= values[i - 1]);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * values[k] * vectors[j * d + k];
      close(s, a[i * d + j], 1e-9, `A[${i},${j}]`);
    }
  }
  const root = symmetricSqrt(a, d);
  const squared = matmul(root, root, d);
  for (let i = 0; i < d * d; i++) close(squared[i], a[i], 1e-9, 'sqrt(A)²');
});

test('closed forms: 1D, equal covariances, diagonal covariances, non-commuting 2×2', () => {
  // 1D: (μ1 − μ2)² + (σ1 − σ2)².
  close(frechetFromStats(stats([1], [4]), stats([-2], [9])), 9 + 1, 1e-12, '1D');
  // Equal covariances: only the means count.
  const cov = [2, 0.5, 0.5, 1];
  close(frechetFromStats(stats([0, 0], cov), stats([3, 4], cov)), 25, 1e-10, 'equal covariances');
  // Diagonal: ‖Δμ‖² + Σ (σ1 − σ2)².
  const diag = (v: number[]) => v.flatMap((x, i) => v.map((_, j) => (i === j ? x : 0)));
  close(frechetFromStats(stats([1, 2, 3], diag([1, 4, 9])), stats([1, 2, 0], diag([4, 4, 1]))), 9 + 1 + 0 + 4, 1e-10, 'diagonal');
  // 2×2 with non-commuting covariances: Tr √M = sqrt(tr M + 2 sqrt(det M)) for M = Σ1Σ2.
  const s1 = [2, 1, 1, 2];
  const s2 = [1, 0, 0, 3];
  const m = [s1[0] * s2[0] + s1[1] * s2[2], s1[0] * s2[1] + s1[1] * s2[3], s1[2] * s2[0] + s1[3] * s2[2], s1[2] * s2[1] + s1[3] * s2[3]];
  const trRoot = Math.sqrt(m[0] + m[3] + 2 * Math.sqrt(m[0] * m[3] - m[1] * m[2]));
  close(frechetFromStats(stats([0, 0], s1), stats([0, 0], s2)), 4 + 4 - 2 * trRoot, 1e-10, 'non-commuting');
  // Singular covariances stay finite and non-negative.
  const singular = frechetFromStats(stats([0, 0], [1, 1, 1, 1]), stats([0, 0], [1, -1, -1, 1]));
  close(singular, 4, 1e-9, 'orthogonal rank-1');
});

function gaussianSamples(rng: Rng, n: number, mean: number[], std: number[]): Float32Array {
  const d = mean.length;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = mean[j] + std[j] * rng.normal();
  return out;
}

test('sampled shifted Gaussians land on the closed form; a set against itself is 0', () => {
  const rng = new Rng(7);
  const d = 8;
  const n = 20000;
  const meanA = new Array<number>(d).fill(0);
  const meanB = meanA.map((_, j) => (j < 2 ? 1 : 0));
  const stdA = new Array<number>(d).fill(1);
  const stdB = stdA.map((_, j) => (j === 3 ? 2 : 1));
  const a = gaussianSamples(rng, n, meanA, stdA);
  const b = gaussianSamples(rng, n, meanB, stdB);
  // ‖Δμ‖² = 2, Σ(σ1 − σ2)² = 1.
  // The tolerance is about 3 standard errors of the estimate at this N.
  close(frechetDistance(a, b, d), 3, 0.1, 'shifted Gaussians');
  close(frechetDistance(a, a, d), 0, 1e-9, 'identical sets');
  // Two independent draws of one distribution: only the small finite-N bias remains.
  const a2 = gaussianSamples(rng, n, meanA, stdA);
  assert.ok(frechetDistance(a, a2, d) < 0.01);
  const s = gaussianStats(a, d);
  assert.equal(s.n, n);
});
