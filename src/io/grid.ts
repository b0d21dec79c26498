import type { RgbaImage } from './png.js';

/**
 * Tiles N images (NHWC, values in [0, 1], 1 or 3 channels) into one grid picture, with a
 * 2-pixel gutter and each pixel scaled up `scale` times so small digits stay legible.
 */
export function imageGrid(
  images: Float32Array,
  shape: readonly [number, number, number, number],
  opts: { cols?: number; scale?: number } = {},
): RgbaImage {
  const [n, h, w, c] = shape;
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const scale = opts.scale ?? (h <= 32 ? 2 : 1);
  const gap = 2;
  const width = cols * (w * scale + gap) + gap;
  const height = rows * (h * scale + gap) + gap;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = 40; data[i + 1] = 40; data[i + 2] = 48; data[i + 3] = 255;
  }
  for (let k = 0; k < n; k++) {
    const ox = gap + (k % cols) * (w * scale + gap);
    const oy = gap + Math.floor(k / cols) * (h * scale + gap);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const base = ((k * h + y) * w + x) * c;
      const to8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
      const r = to8(images[base]);
      const g = c >= 3 ? to8(images[base + 1]) : r;
      const b = c >= 3 ? to8(images[base + 2]) : r;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        const p = ((oy + y * scale + dy) * width + ox + x * scale + dx) * 4;
        data[p] = r; data[p + 1] = g; data[p + 2] = b; data[p + 3] = 255;
      }
    }
  }
  return { width, height, data };
}

export interface Bounds { xmin: number; xmax: number; ymin: number; ymax: number }

/** Bounds that hold every point with a 10% margin (square, so circles stay round). */
export function boundsOf(...sets: Float32Array[]): Bounds {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of sets) for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i])) { lo = Math.min(lo, s[i]); hi = Math.max(hi, s[i]); }
  if (!Number.isFinite(lo)) { lo = -1; hi = 1; }
  const pad = Math.max(0.1, (hi - lo) * 0.1);
  return { xmin: lo - pad, xmax: hi + pad, ymin: lo - pad, ymax: hi + pad };
}

/** A scatter plot of 2D samples: real data grey, generated orange, mode centres as blue crosses. */
export function pointsPlot(opts: {
  fake: Float32Array;
  real?: Float32Array;
  modes?: ReadonlyArray<readonly [number, number]>;
  bounds?: Bounds;
  size?: number;
}): RgbaImage {
  const size = opts.size ?? 400;
  const b = opts.bounds ?? boundsOf(opts.fake, ...(opts.real ? [opts.real] : []));
  const data = new Uint8Array(size * size * 4).fill(255);
  const toPx = (x: number, y: number): [number, number] => [
    Math.round(((x - b.xmin) / (b.xmax - b.xmin)) * (size - 1)),
    Math.round((1 - (y - b.ymin) / (b.ymax - b.ymin)) * (size - 1)),
  ];
  const dot = (px: number, py: number, rgb: [number, number, number], r: number) => {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const x = px + dx;
      const y = py + dy;
      if (x < 0 || y < 0 || x >= size || y >= size || dx * dx + dy * dy > r * r) continue;
      const p = (y * size + x) * 4;
      data[p] = rgb[0]; data[p + 1] = rgb[1]; data[p + 2] = rgb[2];
    }
  };
  // axes through the origin
  const [ox, oy] = toPx(0, 0);
  for (let i = 0; i < size; i++) {
    if (oy >= 0 && oy < size) dot(i, oy, [225, 225, 225], 0);
    if (ox >= 0 && ox < size) dot(ox, i, [225, 225, 225], 0);
  }
  if (opts.real) for (let i = 0; i + 1 < opts.real.length; i += 2) dot(...toPx(opts.real[i], opts.real[i + 1]), [150, 150, 150], 1);
  for (let i = 0; i + 1 < opts.fake.length; i += 2) dot(...toPx(opts.fake[i], opts.fake[i + 1]), [240, 120, 20], 1);
  for (const [mx, my] of opts.modes ?? []) {
    const [px, py] = toPx(mx, my);
    for (let d = -5; d <= 5; d++) { dot(px + d, py, [30, 80, 220], 0); dot(px, py + d, [30, 80, 220], 0); }
  }
  return { width: size, height: size, data };
}
