import { MetricError } from './errors.js';

/** Mode coverage of 2D samples drawn from a mixture of isotropic Gaussians. */
export interface ModeCoverage {
  /** Number of samples scored. */
  n: number;
  /** Modes that are the nearest mode of at least one high-quality sample. */
  modesCaptured: number;
  numModes: number;
  /** Share of samples within 3 std of their nearest mode. */
  highQualityShare: number;
  /**
   * KL(p_g ‖ uniform over modes) in nats, from the high-quality samples' mode shares
   * (PacGAN protocol; modes with no sample contribute 0). 0 when no sample is high quality.
   */
  reverseKL: number;
  /** High-quality samples per mode, in the order of `modes`. */
  perModeCounts: number[];
}

/**
 * The PacGAN protocol (Lin et al. 2018, after VEEGAN): a sample is high quality if it lies
 * within 3 std of its nearest mode; a mode is captured if some high-quality sample is
 * nearest to it; reverse KL compares the high-quality samples' mode histogram with the
 * uniform distribution over modes. The papers score 2,500 samples.
 *
 * @param samples row-major [N, 2] points, in the mixture's coordinates
 */
export function modeCoverage(
  samples: Float32Array,
  modes: ReadonlyArray<readonly [number, number]>,
  std: number,
): ModeCoverage {
  if (samples.length % 2 !== 0) {
    throw new MetricError(`mode coverage needs [N, 2] points; got ${samples.length} numbers, which is not a whole number of points`);
  }
  if (modes.length === 0) throw new MetricError('mode coverage needs at least one mode');
  if (!(std > 0)) throw new MetricError(`mode coverage needs a positive std; got ${std}`);
  const n = samples.length / 2;
  const numModes = modes.length;
  const threshold2 = (3 * std) ** 2;
  const perModeCounts = new Array<number>(numModes).fill(0);
  let highQuality = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    // A NaN sample is never high quality: it lands nowhere.
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    let best = -1;
    let bestD2 = Infinity;
    for (let k = 0; k < numModes; k++) {
      const dx = x - modes[k][0];
      const dy = y - modes[k][1];
      const d2 = dx * dx + dy * dy;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = k;
      }
    }
    if (bestD2 <= threshold2) {
      perModeCounts[best]++;
      highQuality++;
    }
  }
  let reverseKL = 0;
  let modesCaptured = 0;
  for (const count of perModeCounts) {
    if (count === 0) continue;
    modesCaptured++;
    const q = count / highQuality;
    reverseKL += q * Math.log(q * numModes);
  }
  return {
    n,
    modesCaptured,
    numModes,
    highQualityShare: n === 0 ? 0 : highQuality / n,
    reverseKL,
    perModeCounts,
  };
}
