import * as tf from '@tensorflow/tfjs-core';
import type { GanVariant } from '../gans/types.js';
import { Rng } from './rng.js';
import { truncatedNormals } from './sampling.js';

/** The stream latent endpoints are drawn from: z for seed s is the same in every call. */
const ENDPOINT_STREAM = 11;

/** The latent a seed names: N(0, I), optionally truncated at ψ. */
export function latentOfSeed(seed: number, latentDim: number, truncation?: number): Float32Array {
  const rng = Rng.derive(seed, 0, ENDPOINT_STREAM);
  return truncation === undefined ? rng.normals(latentDim) : truncatedNormals(rng, latentDim, truncation);
}

/**
 * Spherical interpolation (Shoemake's slerp), which White (2016) recommends for Gaussian
 * latents: a straight line passes near the origin, where a Gaussian prior puts little mass.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const omega = Math.acos(cos);
  const out = new Float32Array(a.length);
  if (omega < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = a[i] + (b[i] - a[i]) * t;
    return out;
  }
  const sa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const sb = Math.sin(t * omega) / Math.sin(omega);
  for (let i = 0; i < a.length; i++) out[i] = sa * a[i] + sb * b[i];
  return out;
}

/** A walk through keypoint latents: `steps` points from each keypoint to the next (closing the loop when asked). */
export function latentWalk(keys: Float32Array[], steps: number, loop: boolean): Float32Array[] {
  const out: Float32Array[] = [];
  const legs = loop ? keys.length : keys.length - 1;
  for (let k = 0; k < legs; k++) {
    const a = keys[k];
    const b = keys[(k + 1) % keys.length];
    // An open walk includes its last keypoint; a loop does not repeat its first.
    const count = !loop && k === legs - 1 ? steps + 1 : steps;
    for (let s = 0; s < count; s++) out.push(slerp(a, b, s / steps));
  }
  return out;
}

/** How many classes the variant's generate() takes as labels (null: none). */
export function labelCount(variant: GanVariant): number | null {
  return variant.capabilities.labels;
}

/** Images in [0, 1], NHWC, for a list of latents (labels all `label`, or tags all `tagRow`, for conditional variants). */
export function generateImages(variant: GanVariant, latents: Float32Array[], label?: number, tagRow?: Uint8Array): Float32Array {
  const per = variant.dataShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(latents.length * per);
  const batch = 64;
  for (let s = 0; s < latents.length; s += batch) {
    const m = Math.min(batch, latents.length - s);
    const z = new Float32Array(m * variant.latentDim);
    for (let i = 0; i < m; i++) z.set(latents[s + i], i * variant.latentDim);
    const values = tf.tidy(() => {
      const labels = labelCount(variant) ? tf.tensor1d(new Int32Array(m).fill(label ?? 0), 'int32') : undefined;
      const tags = variant.capabilities.tags && tagRow ? tf.tile(tf.tensor2d(Float32Array.from(tagRow), [1, tagRow.length]), [m, 1]) as tf.Tensor2D : undefined;
      const x = variant.generate(tf.tensor2d(z, [m, variant.latentDim]), labels, tags);
      return tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1).dataSync() as Float32Array;
    });
    out.set(values, s * per);
  }
  return out;
}
