import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveAssignment, slicedWasserstein, wasserstein1D, wassersteinExact } from '../../src/metrics/wasserstein.js';
import { Rng } from '../../src/train/rng.js';

function bruteForceAssignment(cost: Float64Array, n: number): number {
  let best = Infinity;
  const perm = Array.from({ length: n }, (_, i) => i);
  const visit = (k: number): void => {
    if (k === n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cost[i * n + perm[i]];
      best = Math.min(best, s);
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      visit(k + 1);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  visit(0);
  return best;
}

test('the assignment solver matches brute force on random 6×6 costs', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const n = 6;
    const cost = Float64Array.from({ length: n * n }, () => rng.uniform() * 10);
    const assignment = solveAssignment(cost, n);
    assert.deepEqual([...assignment].sort(), [0, 1, 2, 3, 4, 5]);
    let s = 0;
    for (let i = 0; i < n; i++) s += cost[i * n + assignment[i]];
    assert.ok(Math.abs(s - bruteForceAssignment(cost, n)) < 1e-9);
  }
});

test('a point set against itself (shuffled) has W1 = 0; a translated copy has W1 = the shift', () => {
  const rng = new Rng(5);
  const n = 300;
  const a = rng.normals(n * 2);
  // The same points in a shuffled order (Fisher–Yates).
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const b = new Float32Array(n * 2);
  order.forEach((src, dst) => b.set(a.subarray(2 * src, 2 * src + 2), 2 * dst));
  assert.ok(wassersteinExact(a, b, 2).value < 1e-6);
  // Translation by (3, 4): every optimal plan moves each point by exactly 5.
  const shifted = Float32Array.from(a, (v, i) => v + (i % 2 === 0 ? 3 : 4));
  assert.ok(Math.abs(wassersteinExact(a, shifted, 2).value - 5) < 1e-5);
});

test('exact W1 refuses unequal sizes and sets above the limit with a clear message', () => {
  assert.throws(() => wassersteinExact(new Float32Array(4), new Float32Array(6), 2), /equal size/);
  assert.throws(() => wassersteinExact(new Float32Array(20), new Float32Array(20), 2, { maxPoints: 5 }), /limited to 5 points/);
});

test('1D W1 of unequal sets integrates the quantile functions exactly', () => {
  // {0, 1} vs {0, 0.5, 1}: quantiles differ by 0 on [0,1/3], by 0.5 on (1/3,1/2], by 0.5 on (1/2,2/3], 0 after.
  assert.ok(Math.abs(wasserstein1D(Float64Array.from([1, 0]), Float64Array.from([0.5, 1, 0])) - 1 / 6) < 1e-12);
  assert.ok(Math.abs(wasserstein1D(Float64Array.from([0, 1, 2]), Float64Array.from([5, 6, 7])) - 5) < 1e-12);
});

test('sliced W1: 0 for a set against itself, the shift for 1D, the known slice mean for a 2D shift', () => {
  const rng = new Rng(9);
  const a = rng.normals(500 * 2);
  assert.equal(slicedWasserstein(a, a, 2, { seed: 1 }).value, 0);
  const line = rng.normals(400);
  const moved = Float32Array.from(line, (v) => v + 2);
  assert.ok(Math.abs(slicedWasserstein(line, moved, 1).value - 2) < 1e-5);
  // A translation by t projects to |t·θ|; averaged over directions in 2D that is 2|t|/π.
  const shifted = Float32Array.from(a, (v, i) => v + (i % 2 === 0 ? 1 : 0));
  const sw = slicedWasserstein(a, shifted, 2, { projections: 2000, seed: 3 }).value;
  assert.ok(Math.abs(sw - 2 / Math.PI) < 0.02, `sliced W1 ${sw}`);
  // Same seed, same value.
  assert.equal(slicedWasserstein(a, shifted, 2, { seed: 4 }).value, slicedWasserstein(a, shifted, 2, { seed: 4 }).value);
});
