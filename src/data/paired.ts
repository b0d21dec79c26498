import type { Rng } from '../core/rng.js';
import { loadBundledDigits } from './mnist.js';
import { unitToModel } from './stored.js';
import { DataError, sampleElementCount, type Batch, type Dataset } from './types.js';

/**
 * Paired images, as pix2pix trains on: each input image has its target (an edge map and
 * its digit, line art and its coloured avatar). `sample` draws targets, so any variant can
 * use the set as plain data; `samplePairs` draws aligned (input, target) batches from the
 * training part, and `heldOut` names pairs no training step sees, for measuring
 * translation quality. Pairs are read one batch at a time (`pairsAt`), so a set may keep
 * its images as bytes.
 */
export interface PairedDataset extends Dataset {
  readonly kind: 'images';
  /** Shape of one input image, [h, w, c]. */
  readonly inputShape: readonly number[];
  readonly labels?: Int32Array;
  readonly heldOut: { readonly size: number; readonly labels?: Int32Array };
  /** Pairs by index within the training part or the held-out part, model space [-1, 1], NHWC, never mirrored. */
  pairsAt(part: 'train' | 'heldOut', indices: ArrayLike<number>): { inputs: Float32Array; targets: Float32Array };
  samplePairs(batchSize: number, rng: Rng): { inputs: Float32Array; targets: Float32Array };
}

export function isPaired(data: Dataset): data is PairedDataset {
  const d = data as Partial<PairedDataset>;
  return d.inputShape !== undefined && d.samplePairs !== undefined && d.heldOut !== undefined;
}

/**
 * Sobel gradient magnitude of grey N×h×w images in [0, 1], scaled by 1/4 (the largest
 * magnitude a unit step reaches is 4) and clipped to [0, 1]: strokes become their outlines.
 */
export function sobelEdges(images: Float32Array, count: number, height: number, width: number): Float32Array {
  const out = new Float32Array(images.length);
  const per = height * width;
  for (let n = 0; n < count; n++) {
    const at = (y: number, x: number) => (y < 0 || y >= height || x < 0 || x >= width ? 0 : images[n * per + y * width + x]);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
        const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
        out[n * per + y * width + x] = Math.min(1, Math.hypot(gx, gy) / 4);
      }
    }
  }
  return out;
}

/** Box downscaling of NHWC images by an integer factor: each output pixel is the mean of its factor×factor block. */
export function boxDownscale(images: Float32Array, shape: readonly [number, number, number, number], factor: number): Float32Array {
  const [n, h, w, c] = shape;
  const oh = Math.floor(h / factor);
  const ow = Math.floor(w / factor);
  const out = new Float32Array(n * oh * ow * c);
  const inv = 1 / (factor * factor);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) s += images[((i * h + y * factor + dy) * w + x * factor + dx) * c + k];
          out[((i * oh + y) * ow + x) * c + k] = s * inv;
        }
  return out;
}

/** Keys' cubic convolution kernel (a = −0.5), the one behind "bicubic" in most image tools. */
function cubic(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * Bicubic upscaling of NHWC images by an integer factor (pixel centres aligned, edges
 * clamped): the non-learned baseline super-resolution is measured against.
 */
export function bicubicUpscale(images: Float32Array, shape: readonly [number, number, number, number], factor: number): Float32Array {
  const [n, h, w, c] = shape;
  const oh = h * factor;
  const ow = w * factor;
  const out = new Float32Array(n * oh * ow * c);
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const taps = (o: number) => {
    const src = (o + 0.5) / factor - 0.5;
    const base = Math.floor(src);
    return [-1, 0, 1, 2].map((d) => ({ offset: base + d, weight: cubic(src - (base + d)) }));
  };
  const rows = Array.from({ length: oh }, (_, y) => taps(y));
  const cols = Array.from({ length: ow }, (_, x) => taps(x));
  for (let i = 0; i < n; i++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (const r of rows[y]) for (const q of cols[x]) s += r.weight * q.weight * images[((i * h + clamp(r.offset, h - 1)) * w + clamp(q.offset, w - 1)) * c + k];
          out[((i * oh + y) * ow + x) * c + k] = s;
        }
  return out;
}

/**
 * One side of a paired set: images of `shape`, as model-space floats or as bytes 0..255
 * (turned into [-1, 1] per batch); `rows` maps pair i to a row of `data` (default: row i).
 */
export interface PairSide {
  data: Float32Array | Uint8Array;
  shape: readonly number[];
  rows?: Int32Array;
}

/** Copies row `row` of a side into `dst` at `at`, in model space, mirrored left-right when asked. */
function rowCopier(side: PairSide): (pair: number, dst: Float32Array, at: number, flip: boolean) => void {
  const [h, w, c] = side.shape;
  const per = h * w * c;
  const { data, rows } = side;
  const scale = data instanceof Uint8Array ? 1 / 127.5 : 1;
  const shift = data instanceof Uint8Array ? -1 : 0;
  return (pair, dst, at, flip) => {
    const src = (rows ? rows[pair] : pair) * per;
    if (!flip) {
      for (let k = 0; k < per; k++) dst[at + k] = data[src + k] * scale + shift;
      return;
    }
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) dst[at + (y * w + x) * c + k] = data[src + (y * w + (w - 1 - x)) * c + k] * scale + shift;
  };
}

/**
 * A paired set from aligned inputs and targets; the last `heldOutCount` pairs are held
 * out. `mirror` flips a drawn pair's input and target together (one coin per pair).
 */
export function pairedDataset(opts: {
  name: string;
  inputs: PairSide;
  targets: PairSide;
  labels?: Int32Array;
  numClasses?: number;
  heldOutCount: number;
  mirror?: boolean;
}): PairedDataset {
  const inPer = sampleElementCount(opts.inputs.shape);
  const outPer = sampleElementCount(opts.targets.shape);
  const total = opts.inputs.rows?.length ?? opts.inputs.data.length / inPer;
  const totalTargets = opts.targets.rows?.length ?? opts.targets.data.length / outPer;
  if (total !== totalTargets) throw new DataError(`${opts.name}: ${total} inputs but ${totalTargets} targets`);
  if (!Number.isInteger(opts.heldOutCount) || opts.heldOutCount < 0 || opts.heldOutCount >= total) {
    throw new DataError(`${opts.name}: cannot hold out ${opts.heldOutCount} of ${total} pairs and train on the rest`);
  }
  const size = total - opts.heldOutCount;
  const copyInput = rowCopier(opts.inputs);
  const copyTarget = rowCopier(opts.targets);
  const labels = opts.labels?.subarray(0, size);
  const mirror = opts.mirror === true;
  const gather = (indices: ArrayLike<number>, offset: number, flips?: boolean[]) => {
    const a = new Float32Array(indices.length * inPer);
    const b = new Float32Array(indices.length * outPer);
    for (let i = 0; i < indices.length; i++) {
      copyInput(offset + indices[i], a, i * inPer, flips?.[i] ?? false);
      copyTarget(offset + indices[i], b, i * outPer, flips?.[i] ?? false);
    }
    return { inputs: a, targets: b };
  };
  const draw = (batchSize: number, rng: Rng) => {
    const picks: number[] = [];
    const flips: boolean[] = [];
    for (let i = 0; i < batchSize; i++) {
      picks.push(rng.int(size));
      flips.push(mirror && rng.uniform() < 0.5);
    }
    return { ...gather(picks, 0, flips), labels: labels ? Int32Array.from(picks, (j) => labels[j]) : undefined };
  };
  return {
    name: opts.name,
    kind: 'images',
    shape: [...opts.targets.shape],
    inputShape: [...opts.inputs.shape],
    size,
    numClasses: opts.numClasses,
    labels,
    heldOut: { labels: opts.labels?.subarray(size), size: opts.heldOutCount },
    pairsAt: (part, indices) => {
      const limit = part === 'train' ? size : opts.heldOutCount;
      for (let i = 0; i < indices.length; i++) if (!(indices[i] >= 0 && indices[i] < limit)) throw new DataError(`${opts.name}: no ${part} pair ${indices[i]} (it has ${limit})`);
      return gather(indices, part === 'train' ? 0 : size);
    },
    samplePairs: (batchSize, rng) => {
      const { inputs: a, targets: b } = draw(batchSize, rng);
      return { inputs: a, targets: b };
    },
    sample: (batchSize, rng): Batch => {
      const { targets: x, labels: l } = draw(batchSize, rng);
      return l ? { x, labels: l } : { x };
    },
  };
}

/** Held-out pairs of the bundled sets: the last 1,000 of the class-interleaved digits (100 per class). */
export const HELD_OUT_DIGITS = 1000;

/** Digit edges (Sobel) → digits (`--data mnist-edges`, pix2pix's default on the bundled digits). */
export function digitEdgesDataset(): PairedDataset {
  const { images, labels, count } = loadBundledDigits();
  return pairedDataset({
    name: 'mnist-edges',
    inputs: { data: unitToModel(sobelEdges(images, count, 28, 28)), shape: [28, 28, 1] },
    targets: { data: unitToModel(Float32Array.from(images)), shape: [28, 28, 1] },
    labels,
    numClasses: 10,
    heldOutCount: HELD_OUT_DIGITS,
  });
}
