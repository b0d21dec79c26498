import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modeCoverage } from '../../src/metrics/modes.js';
import { gaussianMixture, grid25, ring8 } from '../../src/data/mixtures.js';
import { Rng } from '../../src/train/rng.js';

test('hand-built points give the exact counts, shares and KL', () => {
  const modes: [number, number][] = [[0, 0], [10, 0], [0, 10], [10, 10]];
  // Three samples at mode 0, one at mode 1, one far from every mode, one NaN.
  const samples = Float32Array.from([0, 0, 0.1, 0, 0, -0.2, 10, 0.1, 5, 5, NaN, 0]);
  const r = modeCoverage(samples, modes, 0.1);
  assert.equal(r.n, 6);
  assert.equal(r.numModes, 4);
  assert.deepEqual(r.perModeCounts, [3, 1, 0, 0]);
  assert.equal(r.modesCaptured, 2);
  assert.ok(Math.abs(r.highQualityShare - 4 / 6) < 1e-12);
  const expected = 0.75 * Math.log(0.75 * 4) + 0.25 * Math.log(0.25 * 4);
  assert.ok(Math.abs(r.reverseKL - expected) < 1e-12);
});

test('real samples of grid25 capture all modes with the Gaussian high-quality share', () => {
  const data = grid25();
  const { x } = data.sample(2500, new Rng(1));
  const r = modeCoverage(x, data.modes, data.std);
  assert.equal(r.n, 2500);
  assert.equal(r.modesCaptured, 25);
  // P(|z| ≤ 3) for a 2D standard normal is 1 − e^{−4.5} ≈ 0.9889.
  assert.ok(Math.abs(r.highQualityShare - (1 - Math.exp(-4.5))) < 0.01, `share ${r.highQualityShare}`);
  assert.ok(r.reverseKL < 0.02, `reverse KL ${r.reverseKL}`);
});

test('a mixture that drops modes is caught: captured count and KL = log(K / kept)', () => {
  const full = ring8();
  const kept = full.modes.slice(0, 3);
  const collapsed = gaussianMixture('ring8-3', kept, full.std);
  const { x } = collapsed.sample(2500, new Rng(2));
  const r = modeCoverage(x, full.modes, full.std);
  assert.equal(r.modesCaptured, 3);
  assert.deepEqual(r.perModeCounts.slice(3), [0, 0, 0, 0, 0]);
  assert.ok(Math.abs(r.reverseKL - Math.log(8 / 3)) < 0.01, `reverse KL ${r.reverseKL}`);
});

test('no high-quality sample: nothing captured, KL 0, no NaN', () => {
  const r = modeCoverage(Float32Array.from([100, 100]), [[0, 0]], 1);
  assert.equal(r.modesCaptured, 0);
  assert.equal(r.highQualityShare, 0);
  assert.equal(r.reverseKL, 0);
});

test('bad input is refused with a message', () => {
  assert.throws(() => modeCoverage(new Float32Array(3), [[0, 0]], 1), /\[N, 2\]/);
  assert.throws(() => modeCoverage(new Float32Array(2), [[0, 0]], 0), /positive std/);
});
