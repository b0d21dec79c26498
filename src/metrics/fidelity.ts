import { MetricError } from './errors.js';

/**
 * Full-reference image metrics: how close each output is to its own target (super-
 * resolution against the original, a translation against its paired image), unlike the
 * distribution metrics (Fréchet, KID), which compare sets.
 */

/** NHWC batch shape [n, h, w, c]. */
export type BatchShape = readonly [number, number, number, number];

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, shape: BatchShape): void {
  const size = shape.reduce((x, y) => x * y, 1);
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new MetricError(`image batch shape must be four positive integers [n, h, w, c]; got [${shape}]`);
  if (a.length !== size || b.length !== size) throw new MetricError(`images of shape [${shape}] hold ${size} numbers; got ${a.length} and ${b.length}`);
}

export interface SsimOptions {
  /** Side of the square window (default 11, Wang et al.'s). */
  windowSize?: number;
  /** Gaussian window's standard deviation in pixels (default 1.5); ignored for `window: 'uniform'`. */
  sigma?: number;
  window?: 'gaussian' | 'uniform';
  /** L, the range of the pixel values (default 1: images in [0, 1]). */
  dataRange?: number;
  /** The stabilising constants C1 = (k1·L)², C2 = (k2·L)² (defaults 0.01, 0.03). */
  k1?: number;
  k2?: number;
}

/** Normalised 1-D window weights (the 2-D window is their outer product). */
function windowWeights(size: number, kind: 'gaussian' | 'uniform', sigma: number): Float64Array {
  const w = new Float64Array(size);
  const mid = (size - 1) / 2;
  for (let i = 0; i < size; i++) w[i] = kind === 'uniform' ? 1 : Math.exp(-((i - mid) ** 2) / (2 * sigma * sigma));
  const sum = w.reduce((s, v) => s + v, 0);
  for (let i = 0; i < size; i++) w[i] /= sum;
  return w;
}

/**
 * SSIM (Wang, Bovik, Sheikh & Simoncelli 2004) of each image pair, NHWC in [0, dataRange]:
 *   SSIM(x, y) = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
 * with the means, variances and covariance weighted by the window at every position where
 * it fits inside the image ('valid', as the paper's reference code), averaged over
 * positions and then over channels (colour images: each RGB channel on its own). Returns
 * one value per image; 1 means identical.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, shape: BatchShape, opts: SsimOptions = {}): Float64Array {
  checkPair(a, b, shape);
  const [n, h, w, c] = shape;
  const size = opts.windowSize ?? 11;
  const L = opts.dataRange ?? 1;
  if (!Number.isInteger(size) || size < 1) throw new MetricError(`SSIM's window size must be a positive integer; got ${size}`);
  if (size > h || size > w) throw new MetricError(`SSIM's ${size}×${size} window does not fit ${h}×${w} images; pass a smaller windowSize`);
  if (!(L > 0)) throw new MetricError(`SSIM's dataRange must be positive; got ${L}`);
  const c1 = ((opts.k1 ?? 0.01) * L) ** 2;
  const c2 = ((opts.k2 ?? 0.03) * L) ** 2;
  const win = windowWeights(size, opts.window ?? 'gaussian', opts.sigma ?? 1.5);
  const oh = h - size + 1;
  const ow = w - size + 1;
  // Five maps filtered along rows, then along columns: E[x], E[y], E[x²], E[y²], E[xy].
  const rowPass = new Float64Array(5 * h * ow);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < c; k++) {
      const at = (src: ArrayLike<number>, y: number, x: number) => src[((i * h + y) * w + x) * c + k];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < ow; x++) {
          let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
          for (let t = 0; t < size; t++) {
            const p = at(a, y, x + t);
            const q = at(b, y, x + t);
            const wt = win[t];
            sx += wt * p;
            sy += wt * q;
            sxx += wt * p * p;
            syy += wt * q * q;
            sxy += wt * p * q;
          }
          const o = y * ow + x;
          rowPass[o] = sx;
          rowPass[h * ow + o] = sy;
          rowPass[2 * h * ow + o] = sxx;
          rowPass[3 * h * ow + o] = syy;
          rowPass[4 * h * ow + o] = sxy;
        }
      }
      let sum = 0;
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const m = [0, 0, 0, 0, 0];
          for (let t = 0; t < size; t++) {
            const o = (y + t) * ow + x;
            for (let j = 0; j < 5; j++) m[j] += win[t] * rowPass[j * h * ow + o];
          }
          const [mx, my, exx, eyy, exy] = m;
          const vx = exx - mx * mx;
          const vy = eyy - my * my;
          const cov = exy - mx * my;
          sum += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        }
      }
      total += sum / (oh * ow);
    }
    out[i] = total / c;
  }
  return out;
}

/** PSNR in dB of each image pair in [0, dataRange]: 10·log10(L² / MSE), capped at 100 dB for identical images. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, shape: BatchShape, dataRange = 1): Float64Array {
  checkPair(a, b, shape);
  const [n] = shape;
  const per = a.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let se = 0;
    for (let j = i * per; j < (i + 1) * per; j++) se += (a[j] - b[j]) ** 2;
    out[i] = Math.min(100, 10 * Math.log10((dataRange * dataRange) / (se / per)));
  }
  return out;
}

/** Mean absolute difference of each image pair. */
export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>, shape: BatchShape): Float64Array {
  checkPair(a, b, shape);
  const [n] = shape;
  const per = a.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) s += Math.abs(a[j] - b[j]);
    out[i] = s / per;
  }
  return out;
}

/**
 * Mean gradient magnitude of each image (Sobel, per channel, averaged; 'valid' interior):
 * a plain sharpness measure, read against the targets' own value: a blurred output has
 * less, a noisy one can have more.
 */
export function gradientEnergy(images: ArrayLike<number>, shape: BatchShape): Float64Array {
  const [n, h, w, c] = shape;
  if (images.length !== n * h * w * c) throw new MetricError(`images of shape [${shape}] hold ${n * h * w * c} numbers; got ${images.length}`);
  if (h < 3 || w < 3) throw new MetricError(`gradient energy needs images of at least 3×3; got ${h}×${w}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      const at = (y: number, x: number) => images[((i * h + y) * w + x) * c + k];
      for (let y = 1; y < h - 1; y++)
        for (let x = 1; x < w - 1; x++) {
          const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
          const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
          s += Math.hypot(gx, gy);
        }
    }
    out[i] = s / (c * (h - 2) * (w - 2));
  }
  return out;
}

/** The mean of per-image values. */
export const meanOf = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
};
