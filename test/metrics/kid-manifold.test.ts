import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelInceptionDistance } from '../../src/metrics/kid.js';
import { densityCoverage, kthNeighbourSquaredRadii, precisionRecall } from '../../src/metrics/manifold.js';
import { Rng } from '../../src/train/rng.js';

function gaussian(rng: Rng, n: number, d: number, shift = 0, scale = 1): Float32Array {
  return Float32Array.from({ length: n * d }, () => shift + scale * rng.normal());
}

test('KID: unbiased ≈ 0 for two draws of one Gaussian, positive and near the closed form for a shift', () => {
  const rng = new Rng(31);
  const d = 8;
  const a = gaussian(rng, 1000, d);
  const b = gaussian(rng, 1000, d);
  const same = kernelInceptionDistance(a, b, d, { subsets: 20, subsetSize: 200, seed: 1 });
  assert.equal(same.subsetSize, 200);
  assert.equal(same.nReal, 1000);
  // The estimator is unbiased, so its mean over subsets sits within noise of 0.
  assert.ok(Math.abs(same.mean) < 3 * same.std / Math.sqrt(same.subsets) + 1e-3, `KID ${same.mean} ± ${same.std}`);
  // A mean shift of 0.5 in every coordinate: clearly positive, many standard errors above 0.
  const c = gaussian(rng, 1000, d, 0.5);
  const shifted = kernelInceptionDistance(a, c, d, { subsets: 20, subsetSize: 200, seed: 1 });
  assert.ok(shifted.mean > 10 * shifted.std / Math.sqrt(shifted.subsets), `shifted KID ${shifted.mean} ± ${shifted.std}`);
  // Same seed, same subsets, same value.
  assert.equal(kernelInceptionDistance(a, c, d, { subsets: 5, subsetSize: 100, seed: 2 }).mean, kernelInceptionDistance(a, c, d, { subsets: 5, subsetSize: 100, seed: 2 }).mean);
});

test('KID of a set against itself is exactly 0 when the subsets are the whole set', () => {
  const a = gaussian(new Rng(1), 50, 4);
  const r = kernelInceptionDistance(a, a, 4, { subsets: 3 });
  assert.equal(r.subsetSize, 50);
  // Unbiased MMD² of X vs X: the diagonal k(x_i, x_i) terms appear only in the cross sum.
  assert.ok(r.mean < 0);
  // Every draw would be the whole set: one subset, and no invented spread.
  assert.equal(r.subsets, 1);
  assert.equal(r.std, 0);
});

test('k-NN radii: points on a line have the expected k-th neighbour distance', () => {
  const x = Float32Array.from([0, 1, 2, 3, 10]);
  const r = kthNeighbourSquaredRadii(x, 1, 2);
  assert.deepEqual([...r], [4, 1, 1, 4, 64]);
});

test('precision/recall and density/coverage of two identical-distribution Gaussian sets', () => {
  const rng = new Rng(41);
  const d = 4;
  const n = 1000;
  const a = gaussian(rng, n, d);
  const b = gaussian(rng, n, d);
  const pr = precisionRecall(a, b, d);
  assert.ok(pr.precision > 0.9 && pr.recall > 0.9, `precision ${pr.precision} recall ${pr.recall}`);
  const dc = densityCoverage(a, b, d);
  assert.ok(Math.abs(dc.density - 1) < 0.1, `density ${dc.density}`);
  // Naeem et al.: E[coverage] = 1 − (1/2)^k for identical distributions (large n).
  assert.ok(Math.abs(dc.coverage - (1 - 0.5 ** 5)) < 0.03, `coverage ${dc.coverage}`);
  assert.equal(dc.nFake, n);
});

test('a collapsed generator: precision stays high while recall and coverage drop', () => {
  const rng = new Rng(43);
  const d = 4;
  const real = gaussian(rng, 600, d);
  // Fake samples only near the centre: real-looking but not diverse.
  const fake = gaussian(rng, 600, d, 0, 0.3);
  const pr = precisionRecall(real, fake, d);
  const dc = densityCoverage(real, fake, d);
  assert.ok(pr.precision > 0.9, `precision ${pr.precision}`);
  assert.ok(pr.recall < 0.3, `recall ${pr.recall}`);
  assert.ok(dc.coverage < 0.5, `coverage ${dc.coverage}`);
  // Far-off fakes: nothing inside the real manifold.
  const far = gaussian(rng, 600, d, 10);
  assert.equal(precisionRecall(real, far, d).precision, 0);
  assert.equal(densityCoverage(real, far, d).coverage, 0);
});
