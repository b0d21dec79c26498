import { MetricError } from './errors.js';

/**
 * Metrics that estimate each distribution's support by k-nearest-neighbour balls around
 * its samples. All distances are Euclidean in the given feature space; time O(n² d).
 */

type Features = Float32Array | Float64Array;

function count(x: Features, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim < 1 || x.length % dim !== 0) throw new MetricError(`${what} must be row-major [N, ${dim}]`);
  return x.length / dim;
}

function squaredDistance(a: Features, i: number, b: Features, j: number, dim: number): number {
  let s = 0;
  const ai = i * dim;
  const bj = j * dim;
  for (let k = 0; k < dim; k++) {
    const d = a[ai + k] - b[bj + k];
    s += d * d;
  }
  return s;
}

/** Squared distance from each point to its k-th nearest other point of the same set. */
export function kthNeighbourSquaredRadii(x: Features, dim: number, k: number): Float64Array {
  const n = count(x, dim, 'the point set');
  if (!Number.isInteger(k) || k < 1) throw new MetricError(`k must be a positive integer; got ${k}`);
  if (n <= k) throw new MetricError(`a k-nearest-neighbour radius with k = ${k} needs more than ${k} points; got ${n}`);
  const radii = new Float64Array(n);
  // The k smallest distances so far, kept sorted ascending (k is small).
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = squaredDistance(x, i, x, j, dim);
      if (d >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > d) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = d;
    }
    radii[i] = best[k - 1];
  }
  return radii;
}

/** Share of `query` points inside at least one ball B(x_i, r_i) of the reference set. */
function shareInsideManifold(query: Features, reference: Features, squaredRadii: Float64Array, dim: number): number {
  const nq = query.length / dim;
  const nr = reference.length / dim;
  let inside = 0;
  for (let j = 0; j < nq; j++) {
    for (let i = 0; i < nr; i++) {
      if (squaredDistance(query, j, reference, i, dim) <= squaredRadii[i]) {
        inside++;
        break;
      }
    }
  }
  return inside / nq;
}

export interface PrecisionRecall {
  /** Share of fake samples inside the real manifold: quality. */
  precision: number;
  /** Share of real samples inside the fake manifold: diversity. */
  recall: number;
  k: number;
  nReal: number;
  nFake: number;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the
 * union of balls reaching every sample's k-th nearest neighbour in that set.
 */
export function precisionRecall(real: Features, fake: Features, dim: number, opts: { k?: number } = {}): PrecisionRecall {
  const k = opts.k ?? 3;
  const nReal = count(real, dim, 'real features');
  const nFake = count(fake, dim, 'fake features');
  const realRadii = kthNeighbourSquaredRadii(real, dim, k);
  const fakeRadii = kthNeighbourSquaredRadii(fake, dim, k);
  return {
    precision: shareInsideManifold(fake, real, realRadii, dim),
    recall: shareInsideManifold(real, fake, fakeRadii, dim),
    k,
    nReal,
    nFake,
  };
}

export interface DensityCoverage {
  /** Mean number of real balls holding each fake sample, divided by k: ≈ 1 for matching distributions, unbounded above. */
  density: number;
  /** Share of real balls holding at least one fake sample: in [0, 1]. */
  coverage: number;
  k: number;
  nReal: number;
  nFake: number;
}

/**
 * Density and coverage (Naeem et al. 2020): only the real set's k-NN balls are used, which
 * makes both robust to fake outliers. For identical distributions density is ≈ 1 and
 * coverage ≈ 1 − (1/2)^k (≈ 0.97 at the default k = 5).
 */
export function densityCoverage(real: Features, fake: Features, dim: number, opts: { k?: number } = {}): DensityCoverage {
  const k = opts.k ?? 5;
  const nReal = count(real, dim, 'real features');
  const nFake = count(fake, dim, 'fake features');
  const radii = kthNeighbourSquaredRadii(real, dim, k);
  const covered = new Uint8Array(nReal);
  let memberships = 0;
  for (let j = 0; j < nFake; j++) {
    for (let i = 0; i < nReal; i++) {
      if (squaredDistance(fake, j, real, i, dim) <= radii[i]) {
        memberships++;
        covered[i] = 1;
      }
    }
  }
  let coveredCount = 0;
  for (const c of covered) coveredCount += c;
  return { density: memberships / (k * nFake), coverage: coveredCount / nReal, k, nReal, nFake };
}
