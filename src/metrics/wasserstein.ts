import { MetricError } from './errors.js';
import { Rng } from '../core/rng.js';

/** Above this many points per set the exact solver's O(n³) time (seconds at 1,000) grows too long. */
export const EXACT_WASSERSTEIN_MAX_POINTS = 1000;

function pointCount(x: Float32Array | Float64Array, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim < 1 || x.length % dim !== 0) {
    throw new MetricError(`${what} must be row-major [N, ${dim}]; got ${x.length} numbers`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new MetricError(`${what} holds ${x[i]} at point ${Math.floor(i / dim)}; every coordinate must be a finite number`);
  }
  return x.length / dim;
}

/**
 * Solves the square assignment problem min Σ cost[i, assignment[i]] exactly: the
 * Hungarian method in its shortest-augmenting-path form with dual potentials
 * (Kuhn–Munkres, as refined by Jonker & Volgenant), O(n³).
 *
 * @param cost row-major n×n costs
 * @returns assignment[i] = the column matched to row i
 */
export function solveAssignment(cost: Float64Array, n: number): Int32Array {
  // 1-based arrays with a virtual column 0, so the augmenting loop needs no special cases.
  const rowPotential = new Float64Array(n + 1);
  const colPotential = new Float64Array(n + 1);
  const rowOfCol = new Int32Array(n + 1);
  const previousCol = new Int32Array(n + 1);
  const minSlack = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOfCol[0] = row;
    let col0 = 0;
    minSlack.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const i0 = rowOfCol[col0];
      let delta = Infinity;
      let col1 = 0;
      const base = (i0 - 1) * n;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const slack = cost[base + j - 1] - rowPotential[i0] - colPotential[j];
        if (slack < minSlack[j]) {
          minSlack[j] = slack;
          previousCol[j] = col0;
        }
        if (minSlack[j] < delta) {
          delta = minSlack[j];
          col1 = j;
        }
      }
      // A NaN or infinite cost would leave delta infinite and col1 at 0: the loop would never end.
      if (!Number.isFinite(delta) || col1 === 0) throw new MetricError('the assignment costs hold a NaN or infinite value; every point must be finite');
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          rowPotential[rowOfCol[j]] += delta;
          colPotential[j] -= delta;
        } else {
          minSlack[j] -= delta;
        }
      }
      col0 = col1;
    } while (rowOfCol[col0] !== 0);
    // Flip the augmenting path back to the virtual column.
    do {
      const col1 = previousCol[col0];
      rowOfCol[col0] = rowOfCol[col1];
      col0 = col1;
    } while (col0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) assignment[rowOfCol[j] - 1] = j - 1;
  return assignment;
}

export interface WassersteinResult {
  /** W1 with Euclidean ground distance: the mean distance under the optimal matching. */
  value: number;
  /** Points per set. */
  n: number;
  /** assignment[i] = index in `b` matched to point i of `a`. */
  assignment: Int32Array;
}

/**
 * Exact Wasserstein-1 (earth mover's) distance between two equal-size point sets with
 * uniform weights and Euclidean ground cost. For uniform weights an optimal transport
 * plan is a permutation (Birkhoff), so the optimal assignment gives W1 exactly.
 * Costs O(n³) time and n² memory; refused above `maxPoints` (default 1,000): use
 * `slicedWasserstein`, or score a random subset of equal size.
 */
export function wassersteinExact(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  dim: number,
  opts: { maxPoints?: number } = {},
): WassersteinResult {
  const n = pointCount(a, dim, 'the first point set');
  const m = pointCount(b, dim, 'the second point set');
  const maxPoints = opts.maxPoints ?? EXACT_WASSERSTEIN_MAX_POINTS;
  if (n !== m) {
    throw new MetricError(`exact Wasserstein-1 by assignment needs two sets of equal size; got ${n} and ${m} points (take a random subset of the larger set)`);
  }
  if (n === 0) throw new MetricError('exact Wasserstein-1 needs at least one point per set');
  if (n > maxPoints) {
    throw new MetricError(
      `exact Wasserstein-1 is limited to ${maxPoints} points per set (O(n³) assignment); got ${n}. ` +
        'Use slicedWasserstein for large sets, score a random subset, or raise maxPoints knowingly.',
    );
  }
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = a[i * dim + k] - b[j * dim + k];
        s += diff * diff;
      }
      cost[i * n + j] = Math.sqrt(s);
    }
  }
  const assignment = solveAssignment(cost, n);
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i * n + assignment[i]];
  return { value: total / n, n, assignment };
}

/**
 * Exact W1 between two 1D empirical distributions with uniform weights, of any sizes:
 * ∫₀¹ |F⁻¹(t) − G⁻¹(t)| dt, integrating the two step quantile functions piece by piece.
 * Sorts its inputs in place.
 */
export function wasserstein1D(a: Float64Array, b: Float64Array): number {
  a.sort();
  b.sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new MetricError('1D Wasserstein needs at least one value per set');
  let i = 0;
  let j = 0;
  let t = 0;
  let total = 0;
  while (i < n && j < m) {
    const nextA = (i + 1) / n;
    const nextB = (j + 1) / m;
    const next = Math.min(nextA, nextB);
    total += (next - t) * Math.abs(a[i] - b[j]);
    t = next;
    if (nextA <= next) i++;
    if (nextB <= next) j++;
  }
  return total;
}

export interface SlicedWassersteinResult {
  /** Mean over projections of the 1D W1 between the projected sets. */
  value: number;
  projections: number;
  nA: number;
  nB: number;
}

/**
 * Sliced Wasserstein-1: the average, over random unit directions θ (seeded), of the exact
 * 1D W1 between θ·a and θ·b. Any dimension and any set sizes; O(P·n log n). It is a lower
 * bound of W1 scaled by the projection (for d = 1 it equals W1).
 */
export function slicedWasserstein(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  dim: number,
  opts: { projections?: number; seed?: number } = {},
): SlicedWassersteinResult {
  const nA = pointCount(a, dim, 'the first point set');
  const nB = pointCount(b, dim, 'the second point set');
  const projections = opts.projections ?? 128;
  const rng = new Rng(opts.seed ?? 0);
  const direction = new Float64Array(dim);
  const pa = new Float64Array(nA);
  const pb = new Float64Array(nB);
  let total = 0;
  for (let p = 0; p < projections; p++) {
    let norm = 0;
    do {
      norm = 0;
      for (let k = 0; k < dim; k++) {
        direction[k] = rng.normal();
        norm += direction[k] ** 2;
      }
    } while (norm === 0);
    norm = Math.sqrt(norm);
    for (let k = 0; k < dim; k++) direction[k] /= norm;
    for (let i = 0; i < nA; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[i * dim + k] * direction[k];
      pa[i] = s;
    }
    for (let i = 0; i < nB; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += b[i * dim + k] * direction[k];
      pb[i] = s;
    }
    total += wasserstein1D(pa, pb);
  }
  return { value: total / projections, projections, nA, nB };
}
