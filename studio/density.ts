/**
 * Densities on a grid for the 2D lab's D* and JS curve. src/metrics/divergence.ts has the
 * exact KDE (a sum over every point per cell); this binned one (histogram, then a
 * separable Gaussian blur) costs O(cells) instead of O(cells × points), so the page can
 * redraw it several times a second. The divergences themselves come from src/metrics.
 */

/** A square view of the plane: [lo, hi]² split into `bins`² cells. */
export interface GridSpec {
  lo: number;
  hi: number;
  bins: number;
}

/**
 * A kernel density estimate on the grid: histogram of the points, blurred by a separable
 * Gaussian of `bandwidth` cells, normalised to sum 1. Row-major, y up (row 0 = lo).
 */
export function gridDensity(points: Float32Array, grid: GridSpec, bandwidth: number): Float64Array {
  const { lo, hi, bins } = grid;
  const hist = new Float64Array(bins * bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i + 1 < points.length; i += 2) {
    const cx = Math.floor((points[i] - lo) * scale);
    const cy = Math.floor((points[i + 1] - lo) * scale);
    if (cx >= 0 && cx < bins && cy >= 0 && cy < bins) hist[cy * bins + cx] += 1;
  }
  const radius = Math.max(1, Math.ceil(3 * bandwidth));
  const kernel = new Float64Array(2 * radius + 1);
  for (let k = -radius; k <= radius; k++) kernel[k + radius] = Math.exp((-0.5 * k * k) / (bandwidth * bandwidth));
  const tmp = new Float64Array(bins * bins);
  for (let y = 0; y < bins; y++)
    for (let x = 0; x < bins; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = x + k;
        if (xx >= 0 && xx < bins) s += hist[y * bins + xx] * kernel[k + radius];
      }
      tmp[y * bins + x] = s;
    }
  const out = new Float64Array(bins * bins);
  let total = 0;
  for (let y = 0; y < bins; y++)
    for (let x = 0; x < bins; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const yy = y + k;
        if (yy >= 0 && yy < bins) s += tmp[yy * bins + x] * kernel[k + radius];
      }
      out[y * bins + x] = s;
      total += s;
    }
  if (total > 0) for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** Φ⁻¹: the standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
