/**
 * Lanczos-3 resampling of interleaved float images, for the pure-JS decoding path (sharp
 * resamples with its own lanczos3 kernel). Separable: rows first, then columns. When
 * shrinking, the kernel is widened by the scale so every source pixel contributes.
 */

function sinc(x: number): number {
  if (x === 0) return 1;
  const p = Math.PI * x;
  return Math.sin(p) / p;
}

function lanczos3(x: number): number {
  return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

/** Per output index: first source index and normalised weights over a source span. */
function weights(srcStart: number, srcLen: number, srcSize: number, dst: number): { first: Int32Array; w: Float32Array[] } {
  const scale = srcLen / dst;
  const support = 3 * Math.max(1, scale);
  const first = new Int32Array(dst);
  const w: Float32Array[] = [];
  for (let i = 0; i < dst; i++) {
    const centre = srcStart + (i + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support));
    const hi = Math.min(srcSize - 1, Math.floor(centre + support));
    const row = new Float32Array(hi - lo + 1);
    let sum = 0;
    for (let j = lo; j <= hi; j++) {
      const v = lanczos3((j - centre) / Math.max(1, scale));
      row[j - lo] = v;
      sum += v;
    }
    for (let j = 0; j < row.length; j++) row[j] /= sum || 1;
    first[i] = lo;
    w.push(row);
  }
  return { first, w };
}

/** A rectangle of the source: x, y, width, height (fractional allowed). */
export type Rect = [number, number, number, number];

/**
 * Resamples the `rect` region of a `width`×`height`×`c` image to `outW`×`outH`, with
 * Lanczos-3, clamped to [0, 255].
 */
export function resizeLanczos(src: Float32Array, width: number, height: number, c: number, rect: Rect, outW: number, outH: number): Float32Array {
  const [rx, ry, rw, rh] = rect;
  const wx = weights(rx, rw, width, outW);
  const wy = weights(ry, rh, height, outH);
  const mid = new Float32Array(height * outW * c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outW; x++) {
      const row = wx.w[x];
      const f = wx.first[x];
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let j = 0; j < row.length; j++) s += row[j] * src[(y * width + f + j) * c + k];
        mid[(y * outW + x) * c + k] = s;
      }
    }
  }
  const out = new Float32Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const col = wy.w[y];
    const f = wy.first[y];
    for (let x = 0; x < outW; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let j = 0; j < col.length; j++) s += col[j] * mid[((f + j) * outW + x) * c + k];
        out[(y * outW + x) * c + k] = Math.min(255, Math.max(0, s));
      }
    }
  }
  return out;
}
