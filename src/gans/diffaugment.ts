import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng.js';

export const AUGMENTATIONS = ['color', 'translation', 'cutout'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

/** The random parameters of one DiffAugment call, drawn per sample from the run's RNG. */
export interface AugmentParams {
  brightness?: Float32Array;
  saturation?: Float32Array;
  contrast?: Float32Array;
  /** Shifts in pixels along height and width, per sample. */
  shiftY?: Int32Array;
  shiftX?: Int32Array;
  /** Centre of the cut-out square, per sample (may lie partly outside the image). */
  cutY?: Int32Array;
  cutX?: Int32Array;
}

/** Translation moves by up to ⌊size·1/8 + ½⌋ pixels; cutout zeroes a square of side ⌊size/2 + ½⌋ (Zhao et al.'s ratios). */
export function translationRange(size: number): number {
  return Math.floor(size * 0.125 + 0.5);
}
export function cutoutSize(size: number): number {
  return Math.floor(size * 0.5 + 0.5);
}

/** Draws one call's parameters; the same policy and draws give the same function. */
export function drawAugmentParams(policy: readonly Augmentation[], n: number, h: number, w: number, rng: Rng): AugmentParams {
  const p: AugmentParams = {};
  const ints = (lo: number, hiInclusive: number) => Int32Array.from({ length: n }, () => lo + rng.int(hiInclusive - lo + 1));
  if (policy.includes('color')) {
    p.brightness = Float32Array.from({ length: n }, () => rng.uniform());
    p.saturation = Float32Array.from({ length: n }, () => rng.uniform());
    p.contrast = Float32Array.from({ length: n }, () => rng.uniform());
  }
  if (policy.includes('translation')) {
    const sy = translationRange(h);
    const sx = translationRange(w);
    p.shiftY = ints(-sy, sy);
    p.shiftX = ints(-sx, sx);
  }
  if (policy.includes('cutout')) {
    const cy = cutoutSize(h);
    const cx = cutoutSize(w);
    p.cutY = ints(0, h + (1 - (cy % 2)) - 1);
    p.cutX = ints(0, w + (1 - (cx % 2)) - 1);
  }
  return p;
}

/**
 * Differentiable Augmentation (Zhao et al. 2020) on an NHWC batch in [−1, 1]: colour
 * (brightness ±0.5, saturation ×[0, 2], contrast ×[0.5, 1.5]), translation by up to 1/8 of
 * the size with zero fill, cutout of a half-size square. Every op is differentiable in x,
 * so G learns through the augmentation; the variant applies this one function to real and
 * fake batches alike, so D never sees the augmentation as a cue for "fake".
 */
export function applyAugment(x: tf.Tensor4D, p: AugmentParams): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const perSample = (v: Float32Array) => tf.tensor4d(v, [n, 1, 1, 1]);
    let y: tf.Tensor4D = x;
    if (p.brightness) y = tf.add(y, tf.sub(perSample(p.brightness), 0.5));
    if (p.saturation) {
      const mean = tf.mean(y, 3, true);
      y = tf.add(tf.mul(tf.sub(y, mean), tf.mul(perSample(p.saturation), 2)), mean);
    }
    if (p.contrast) {
      const mean = tf.mean(y, [1, 2, 3], true);
      y = tf.add(tf.mul(tf.sub(y, mean), tf.add(perSample(p.contrast), 0.5)), mean);
    }
    if (p.shiftY && p.shiftX) y = translate(y, p.shiftY, p.shiftX);
    if (p.cutY && p.cutX) {
      const cy = cutoutSize(h);
      const cx = cutoutSize(w);
      const mask = new Float32Array(n * h * w).fill(1);
      for (let k = 0; k < n; k++) {
        for (let a = 0; a < cy; a++) {
          const i = Math.min(h - 1, Math.max(0, p.cutY[k] + a - Math.floor(cy / 2)));
          for (let b = 0; b < cx; b++) {
            const j = Math.min(w - 1, Math.max(0, p.cutX[k] + b - Math.floor(cx / 2)));
            mask[(k * h + i) * w + j] = 0;
          }
        }
      }
      y = tf.mul(y, tf.tensor4d(mask, [n, h, w, 1]));
    }
    return y === x ? tf.clone(x) : y;
  });
}

/**
 * Sample k shifted by (shiftY[k], shiftX[k]) with zero fill: output pixel (i, j) is input
 * pixel (i − shiftY, j − shiftX), 0 outside. One gather for the whole batch (a slice per
 * sample was 2n kernels each way). The gradient of a shift is the opposite shift, given as
 * this same function, so it is exact and differentiable to any order (R1 differentiates it
 * twice) without TF.js's scatter-based gradient of a gather.
 */
export function translate(x: tf.Tensor4D, shiftY: Int32Array, shiftX: Int32Array): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const zeroRow = n * h * w;
  const rows = new Int32Array(n * h * w);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < h; i++) {
      const si = i - shiftY[k];
      for (let j = 0; j < w; j++) {
        const sj = j - shiftX[k];
        rows[(k * h + i) * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? (k * h + si) * w + sj : zeroRow;
      }
    }
  }
  const negY = shiftY.map((v) => -v), negX = shiftX.map((v) => -v);
  const shift = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const v = args[0] as tf.Tensor;
    const value = tf.tidy(() => {
      const flat = tf.concat([tf.reshape(v, [n * h * w, c]), tf.zeros([1, c])], 0);
      return tf.reshape(tf.gather(flat, tf.tensor1d(rows, 'int32')), [n, h, w, c]);
    });
    return { value, gradFunc: (dy: tf.Tensor) => translate(dy as tf.Tensor4D, negY, negX) };
  });
  return shift(x) as tf.Tensor4D;
}

/** Draws fresh parameters and augments: what the variant calls on each real and fake batch. */
export function diffAugment(x: tf.Tensor4D, policy: readonly Augmentation[], rng: Rng): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return applyAugment(x, drawAugmentParams(policy, n, h, w, rng));
}
