import { MetricError } from './errors.js';

/**
 * The seed paper's theory made measurable on 2D data (Goodfellow et al. 2014, §4): for a
 * fixed generator the optimal discriminator is D* = p_data / (p_data + p_g), and at D* the
 * value function is C(G) = −log 4 + 2·JS(p_data ‖ p_g). Densities live on a regular grid
 * over a bounding box; integrals are midpoint sums over its cells.
 */

/** A regular grid of cell midpoints over [xMin, xMax] × [yMin, yMax]. */
export interface Grid2D {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Cells along x and along y. */
  nx: number;
  ny: number;
}

export type Density2D = (x: number, y: number) => number;

export const MAX_JS_NATS = Math.LN2;

/** A square-celled grid around a set of 2D points, padded by `margin` on every side. */
export function gridAround(points: Float32Array | Float64Array, margin: number, cells = 200): Grid2D {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (xMin > xMax) throw new MetricError('no finite 2D point to build a grid around');
  return { xMin: xMin - margin, xMax: xMax + margin, yMin: yMin - margin, yMax: yMax + margin, nx: cells, ny: cells };
}

/** The midpoint of cell (i, j): i along x, j along y. */
export function cellCentre(grid: Grid2D, i: number, j: number): [number, number] {
  return [
    grid.xMin + ((i + 0.5) * (grid.xMax - grid.xMin)) / grid.nx,
    grid.yMin + ((j + 0.5) * (grid.yMax - grid.yMin)) / grid.ny,
  ];
}

export function cellArea(grid: Grid2D): number {
  return ((grid.xMax - grid.xMin) / grid.nx) * ((grid.yMax - grid.yMin) / grid.ny);
}

/** Evaluates a function at every cell midpoint; row-major over (j, i): index j·nx + i. */
export function evaluateOnGrid(f: Density2D, grid: Grid2D): Float64Array {
  const out = new Float64Array(grid.nx * grid.ny);
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const [x, y] = cellCentre(grid, i, j);
      out[j * grid.nx + i] = f(x, y);
    }
  }
  return out;
}

/** The density of an equal-weight mixture of isotropic 2D Gaussians (a toy data set's p_data). */
export function mixtureDensity(modes: ReadonlyArray<readonly [number, number]>, std: number): Density2D {
  const norm = 1 / (modes.length * 2 * Math.PI * std * std);
  const inv = 1 / (2 * std * std);
  return (x, y) => {
    let s = 0;
    for (const [mx, my] of modes) s += Math.exp(-((x - mx) ** 2 + (y - my) ** 2) * inv);
    return s * norm;
  };
}

/** Scott's rule bandwidth for 2D: n^(−1/6) times the mean of the two coordinates' standard deviations. */
export function scottBandwidth(points: Float32Array | Float64Array): number {
  const n = points.length / 2;
  if (n < 2) throw new MetricError('a bandwidth needs at least 2 points');
  const stds = [0, 1].map((c) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += points[2 * i + c];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (points[2 * i + c] - mean) ** 2;
    return Math.sqrt(v / (n - 1));
  });
  return ((stds[0] + stds[1]) / 2) * n ** (-1 / 6);
}

/**
 * Gaussian kernel density estimate of 2D samples with an isotropic bandwidth (a standard
 * deviation, in data units). The JS value of two KDEs depends on the bandwidth: report it.
 */
export function kdeDensity(points: Float32Array | Float64Array, bandwidth: number): Density2D {
  if (!(bandwidth > 0)) throw new MetricError(`a KDE bandwidth must be positive; got ${bandwidth}`);
  const n = points.length / 2;
  const norm = 1 / (n * 2 * Math.PI * bandwidth * bandwidth);
  const inv = 1 / (2 * bandwidth * bandwidth);
  const cutoff = 40; // exp(−40) is negligible against any kernel that counts
  return (x, y) => {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const e = ((x - points[2 * k]) ** 2 + (y - points[2 * k + 1]) ** 2) * inv;
      if (e < cutoff) s += Math.exp(-e);
    }
    return s * norm;
  };
}

/** Densities on a grid as cell probabilities: each normalised to sum 1 (mass outside the box is dropped and reported). */
function cellMasses(values: Float64Array, grid: Grid2D, what: string): { mass: Float64Array; inside: number } {
  if (values.length !== grid.nx * grid.ny) throw new MetricError(`${what} has ${values.length} values for a ${grid.nx}×${grid.ny} grid`);
  const area = cellArea(grid);
  let total = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new MetricError(`${what} must be finite and non-negative on the grid; found ${v}`);
    total += v;
  }
  if (total === 0) throw new MetricError(`${what} is zero everywhere on the grid: widen the box`);
  const mass = new Float64Array(values.length);
  for (let c = 0; c < values.length; c++) mass[c] = values[c] / total;
  return { mass, inside: total * area };
}

export interface GridJS {
  /** JS(p ‖ q) in nats, between 0 and log 2. */
  js: number;
  /** log 2: the value for disjoint supports. */
  max: number;
  /** Each density's integral over the box before renormalising: well below 1 means the box is too small. */
  massInsideP: number;
  massInsideQ: number;
  cells: number;
}

/**
 * JS(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½(p + q), in nats, integrated numerically on
 * the grid (both densities renormalised to the box).
 */
export function jsDivergenceOnGrid(p: Float64Array, q: Float64Array, grid: Grid2D): GridJS {
  const P = cellMasses(p, grid, 'p');
  const Q = cellMasses(q, grid, 'q');
  let js = 0;
  for (let c = 0; c < p.length; c++) {
    const a = P.mass[c];
    const b = Q.mass[c];
    const m = 0.5 * (a + b);
    if (a > 0) js += 0.5 * a * Math.log(a / m);
    if (b > 0) js += 0.5 * b * Math.log(b / m);
  }
  return { js: Math.min(MAX_JS_NATS, Math.max(0, js)), max: MAX_JS_NATS, massInsideP: P.inside, massInsideQ: Q.inside, cells: p.length };
}

/** D*(x) = p_data(x) / (p_data(x) + p_g(x)) on the grid; ½ where both densities vanish. */
export function optimalDiscriminator(pData: Float64Array, pG: Float64Array): Float64Array {
  if (pData.length !== pG.length) throw new MetricError('p_data and p_g must be on the same grid');
  const out = new Float64Array(pData.length);
  for (let c = 0; c < pData.length; c++) {
    const s = pData[c] + pG[c];
    out[c] = s > 0 ? pData[c] / s : 0.5;
  }
  return out;
}

/** How far a discriminator output may approach 0 or 1 before log D is clamped. */
export const DISCRIMINATOR_CLAMP = 1e-12;

function clampedLog(v: number): number {
  return Math.log(Math.min(1 - DISCRIMINATOR_CLAMP, Math.max(DISCRIMINATOR_CLAMP, v)));
}

/**
 * The JS divergence that a discriminator's outputs imply, integrated on the grid:
 *   JS_implied = ½ (E_{p_data}[log D] + E_{p_g}[log(1 − D)]) + log 2,
 * i.e. (V(D, G) + log 4) / 2 with the expectations as sums over cell masses. It equals
 * JS(p_data ‖ p_g) exactly when D = D*; any other D gives less (D* maximises V), so a
 * trained D's value is a lower bound whose gap shows how far D is from optimal.
 *
 * @param discriminator D(x) ∈ (0, 1) at the cell midpoints (a probability, not a logit)
 */
export function jsFromDiscriminator(discriminator: Float64Array, pData: Float64Array, pG: Float64Array, grid: Grid2D): number {
  if (discriminator.length !== grid.nx * grid.ny) throw new MetricError('the discriminator values must be on the same grid as the densities');
  const P = cellMasses(pData, grid, 'p_data').mass;
  const Q = cellMasses(pG, grid, 'p_g').mass;
  let realTerm = 0;
  let fakeTerm = 0;
  for (let c = 0; c < P.length; c++) {
    if (P[c] > 0) realTerm += P[c] * clampedLog(discriminator[c]);
    if (Q[c] > 0) fakeTerm += Q[c] * clampedLog(1 - discriminator[c]);
  }
  return 0.5 * (realTerm + fakeTerm) + MAX_JS_NATS;
}

/**
 * The same implied value estimated from samples instead of a grid (any dimension):
 * ½ (mean log D(x_real) + mean log(1 − D(x_fake))) + log 2, with D clamped to
 * [1e−12, 1 − 1e−12]. A Monte Carlo estimate: it carries sampling noise of order 1/√N.
 */
export function jsFromDiscriminatorSamples(dOnReal: ArrayLike<number>, dOnFake: ArrayLike<number>): number {
  if (dOnReal.length === 0 || dOnFake.length === 0) throw new MetricError('the implied JS needs discriminator outputs on real and on fake samples');
  let realTerm = 0;
  for (let i = 0; i < dOnReal.length; i++) realTerm += clampedLog(dOnReal[i]);
  let fakeTerm = 0;
  for (let i = 0; i < dOnFake.length; i++) fakeTerm += clampedLog(1 - dOnFake[i]);
  return 0.5 * (realTerm / dOnReal.length + fakeTerm / dOnFake.length) + MAX_JS_NATS;
}
