/** Canvas drawing helpers: the real/fake colour scale, points, arrows and line charts. */

export const COLORS = {
  real: '#1a9e5a',
  fake: '#8a3ab9',
  manifold: 'rgba(138, 58, 185, 0.5)',
  arrow: '#e65100',
  ink: '#1d2330',
  muted: '#6b7385',
  grid: '#e9ecf1',
};

/**
 * The diverging scale of GAN Lab: 0 (fake) purple → ½ white → 1 (real) green.
 * NaN (no density either side) is a light grey.
 */
export function realFakeColor(v: number): [number, number, number] {
  if (!Number.isFinite(v)) return [236, 238, 242];
  const t = Math.min(1, Math.max(0, v));
  const fake: [number, number, number] = [150, 80, 200];
  const mid: [number, number, number] = [255, 255, 255];
  const real: [number, number, number] = [40, 170, 100];
  const [from, to, u] = t < 0.5 ? [fake, mid, t / 0.5] : [mid, real, (t - 0.5) / 0.5];
  // Ease so that the middle stays pale and confident regions read clearly.
  const e = t < 0.5 ? u ** 0.8 : u ** 1.25;
  return [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * e)) as [number, number, number];
}

/**
 * Paints a bins×bins field (row 0 at the bottom) scaled onto the whole canvas; `weights`
 * (0–1 per cell) fade cells out, e.g. where a ratio of densities means little.
 */
export function paintField(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, bins: number, alpha = 1, weights?: ArrayLike<number>): void {
  const img = new ImageData(bins, bins);
  for (let y = 0; y < bins; y++)
    for (let x = 0; x < bins; x++) {
      const [r, g, b] = realFakeColor(values[y * bins + x]);
      const o = ((bins - 1 - y) * bins + x) * 4;
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = Math.round(alpha * (weights ? weights[y * bins + x] : 1) * 255);
    }
  const off = document.createElement('canvas');
  off.width = bins;
  off.height = bins;
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(off, 0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.restore();
}

/** Maps data coordinates onto a square canvas showing [lo, hi]². */
export class View {
  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly size: number,
  ) {}
  px(x: number): number {
    return ((x - this.lo) / (this.hi - this.lo)) * this.size;
  }
  py(y: number): number {
    return this.size - ((y - this.lo) / (this.hi - this.lo)) * this.size;
  }
  fromPx(px: number, py: number): [number, number] {
    const s = (this.hi - this.lo) / this.size;
    return [this.lo + px * s, this.lo + (this.size - py) * s];
  }
}

/** A circle of `radius` pixels at each finite point of a flat [x0, y0, x1, y1, …] list, filled or stroked. */
function circles(ctx: CanvasRenderingContext2D, view: View, pts: ArrayLike<number>, radius: number, paint: 'fill' | 'stroke'): void {
  for (let i = 0; i + 1 < pts.length; i += 2) {
    const x = view.px(pts[i]);
    const y = view.py(pts[i + 1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
    ctx[paint]();
  }
}

export function drawPoints(ctx: CanvasRenderingContext2D, view: View, pts: Float32Array, color: string, radius: number, alpha = 0.85): void {
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.fillStyle = color;
  circles(ctx, view, pts, radius, 'fill');
  ctx.restore();
}

export function drawArrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  if (len < 0.5) return;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  const head = Math.min(6, len * 0.45);
  const a = Math.atan2(dy, dx);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(a - 0.45), y1 - head * Math.sin(a - 0.45));
  ctx.lineTo(x1 - head * Math.cos(a + 0.45), y1 - head * Math.sin(a + 0.45));
  ctx.closePath();
  ctx.fill();
}

export interface Series {
  name: string;
  color: string;
  xs: number[];
  ys: number[];
  /** Draw against a second y axis on the right. */
  right?: boolean;
  dashed?: boolean;
}

function niceRange(ys: number[], log: boolean): [number, number] {
  const v = ys.filter((y) => Number.isFinite(y) && (!log || y > 0));
  if (v.length === 0) return log ? [1e-3, 1] : [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (log) return [Math.log10(lo), Math.log10(hi) + (hi === lo ? 1 : 0)];
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 + 1e-3;
    lo -= Math.abs(lo) * 0.1 + 1e-3;
  }
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

/** An axis label: enough digits that ticks `step` apart read differently. */
function fmt(v: number, step = Math.abs(v)): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e4) && step >= a / 100) return v.toExponential(0);
  const digits = step > 0 ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(step)) + 1)) : 2;
  return a >= 100 && step >= 1 ? v.toFixed(0) : v.toFixed(Math.max(digits, a >= 10 || step >= 1 ? 1 : 2) - (step >= 10 ? 1 : 0));
}

/**
 * A small line chart: x is the iteration. Left axis for most series, optional right axis
 * (for a second quantity in another unit). Long series are thinned to the canvas width.
 */
export function lineChart(
  canvas: HTMLCanvasElement,
  series: Series[],
  opts: { log?: boolean; yMin?: number; yMax?: number; markers?: { step: number; label: string }[] } = {},
): void {
  const ctx = canvas.getContext('2d')!;
  // Draw at the size the canvas is shown (× device pixels), so text stays crisp at any width.
  const cssW = canvas.clientWidth || canvas.width;
  const cssH = canvas.clientHeight || canvas.height;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const W = cssW;
  const H = cssH;
  const m = { l: 40, r: series.some((s) => s.right) ? 40 : 8, t: 16, b: 18 };
  ctx.clearRect(0, 0, W, H);
  ctx.font = '10px system-ui, sans-serif';
  const xsAll = series.flatMap((s) => s.xs);
  if (xsAll.length === 0) {
    ctx.fillStyle = COLORS.muted;
    ctx.fillText('no data yet', W / 2 - 25, H / 2);
    return;
  }
  const x0 = Math.min(...xsAll);
  const x1 = Math.max(...xsAll, x0 + 1);
  const axis = (right: boolean): [number, number] => {
    const ys = series.filter((s) => !!s.right === right).flatMap((s) => s.ys);
    const r = niceRange(ys, !!opts.log && !right);
    if (!right && opts.yMin !== undefined) r[0] = opts.yMin;
    if (!right && opts.yMax !== undefined) r[1] = opts.yMax;
    return r;
  };
  const left = axis(false);
  const right = axis(true);
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number, r: [number, number], log: boolean) => {
    const v = log ? Math.log10(Math.max(y, 1e-30)) : y;
    return H - m.b - ((v - r[0]) / (r[1] - r[0] || 1)) * (H - m.t - m.b);
  };
  ctx.strokeStyle = COLORS.grid;
  ctx.fillStyle = COLORS.muted;
  ctx.lineWidth = 1;
  for (let i = 0; i <= 3; i++) {
    const y = m.t + (i / 3) * (H - m.t - m.b);
    ctx.beginPath();
    ctx.moveTo(m.l, y);
    ctx.lineTo(W - m.r, y);
    ctx.stroke();
    const lv = left[1] - (i / 3) * (left[1] - left[0]);
    ctx.textAlign = 'right';
    ctx.fillText(opts.log ? fmt(10 ** lv) : fmt(lv, (left[1] - left[0]) / 3), m.l - 3, y + 3);
    if (m.r > 8) {
      const rv = right[1] - (i / 3) * (right[1] - right[0]);
      ctx.textAlign = 'left';
      ctx.fillText(fmt(rv, (right[1] - right[0]) / 3), W - m.r + 3, y + 3);
    }
  }
  ctx.textAlign = 'left';
  ctx.fillText(String(x0), m.l, H - 4);
  ctx.textAlign = 'right';
  ctx.fillText(String(x1), W - m.r, H - 4);
  // Events (a loss switch): a dashed vertical line with its label.
  for (const mk of opts.markers ?? []) {
    if (mk.step < x0 || mk.step > x1) continue;
    const px = X(mk.step);
    ctx.strokeStyle = 'rgba(29, 35, 48, 0.45)';
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(px, m.t);
    ctx.lineTo(px, H - m.b);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = COLORS.ink;
    ctx.textAlign = px > W - 70 ? 'right' : 'left';
    ctx.fillText(mk.label, px + (px > W - 70 ? -3 : 3), m.t + 9);
  }
  let lx = m.l + 4;
  ctx.textAlign = 'left';
  for (const s of series) {
    if (s.xs.length === 0) continue;
    const r = s.right ? right : left;
    const log = !!opts.log && !s.right;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dashed ? [4, 3] : []);
    ctx.beginPath();
    const stride = Math.max(1, Math.floor(s.xs.length / (W - m.l - m.r)));
    for (let i = 0; i < s.xs.length; i += stride) {
      const px = X(s.xs[i]);
      const py = Y(s.ys[i], r, log);
      if (!Number.isFinite(py)) continue;
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    // A lone point has no line to draw: mark it.
    if (s.xs.length === 1 && Number.isFinite(Y(s.ys[0], r, log))) {
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(X(s.xs[0]), Y(s.ys[0], r, log), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, 4, 10, 3);
    ctx.fillStyle = COLORS.ink;
    ctx.fillText(s.name, lx + 13, 10);
    lx += 18 + ctx.measureText(s.name).width + 8;
  }
}

/**
 * Draws N images (h×w, grayscale or RGB in [0, 1]) as a cols-wide grid, each pixel
 * `scale`×`scale`, so the browser's smooth resize to the shown size keeps cells even.
 */
export function drawImageGrid(canvas: HTMLCanvasElement, pixels: Float32Array, n: number, h: number, w: number, cols: number, channels = 1, scale = 2): void {
  const rows = Math.ceil(n / cols);
  // Gutters of 2 source pixels survive the browser's downscale as even lines.
  const pad = 2;
  const W = cols * (w + pad) + pad;
  const H = rows * (h + pad) + pad;
  const img = new ImageData(W, H);
  img.data.fill(255);
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % cols) * (w + pad);
    const oy = pad + Math.floor(i / cols) * (h + pad);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = ((oy + y) * W + ox + x) * 4;
        const base = ((i * h + y) * w + x) * channels;
        for (let c = 0; c < 3; c++) {
          const v = pixels[base + (channels === 3 ? c : 0)];
          img.data[o + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
        img.data[o + 3] = 255;
      }
  }
  const off = document.createElement('canvas');
  off.width = W;
  off.height = H;
  off.getContext('2d')!.putImageData(img, 0, 0);
  canvas.width = W * scale;
  canvas.height = H * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, W * scale, H * scale);
}

/**
 * Where a bins×bins field (row 0 at the bottom, cell centres at (i + ½)/bins) crosses
 * `level`: marching squares, as segments [x0, y0, x1, y1] in the unit square, y up.
 * The slow-motion view draws D's boundary before and after a step with it.
 */
export function contourSegments(values: ArrayLike<number>, bins: number, level: number): number[][] {
  const segs: number[][] = [];
  const at = (x: number, y: number) => values[y * bins + x] - level;
  const c = (i: number) => (i + 0.5) / bins;
  for (let y = 0; y + 1 < bins; y++)
    for (let x = 0; x + 1 < bins; x++) {
      // Corners counter-clockwise from the lower left; a crossing on each edge whose ends differ in sign.
      const corner = [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
      ] as const;
      const v = corner.map(([i, j]) => at(i, j));
      if (v.some((u) => !Number.isFinite(u))) continue;
      const cross: number[][] = [];
      for (let e = 0; e < 4; e++) {
        const a = v[e];
        const b = v[(e + 1) % 4];
        if (a < 0 === b < 0) continue;
        const t = a / (a - b);
        const [x0, y0] = corner[e];
        const [x1, y1] = corner[(e + 1) % 4];
        cross.push([c(x0 + t * (x1 - x0)), c(y0 + t * (y1 - y0))]);
      }
      if (cross.length === 2) segs.push([...cross[0], ...cross[1]]);
      // A saddle: pair the crossings by the centre's sign.
      else if (cross.length === 4) {
        const centre = (v[0] + v[1] + v[2] + v[3]) / 4;
        const [p, q, r, s] = cross;
        if (centre < 0 === v[0] < 0) segs.push([...p, ...q], [...r, ...s]);
        else segs.push([...p, ...s], [...q, ...r]);
      }
    }
  return segs;
}

/** Open circles around points (the batch a slow-motion step trains on). */
export function drawRings(ctx: CanvasRenderingContext2D, view: View, pts: ArrayLike<number>, color: string, radius: number): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.3;
  circles(ctx, view, pts, radius, 'stroke');
  ctx.restore();
}
