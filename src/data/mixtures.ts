import type { MixtureDataset, Batch } from './types.js';
import type { Rng } from '../core/rng.js';

/** Builds a sampler for an equal-weight mixture of isotropic 2D Gaussians. */
export function gaussianMixture(
  name: string,
  modes: ReadonlyArray<readonly [number, number]>,
  std: number,
): MixtureDataset {
  return {
    name,
    kind: 'points',
    shape: [2],
    size: Infinity,
    numClasses: modes.length,
    modes,
    std,
    sample(batchSize: number, rng: Rng): Batch {
      const x = new Float32Array(batchSize * 2);
      const labels = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) {
        const k = rng.int(modes.length);
        labels[i] = k;
        x[2 * i] = modes[k][0] + std * rng.normal();
        x[2 * i + 1] = modes[k][1] + std * rng.normal();
      }
      return { x, labels };
    },
  };
}

/** 8 modes on the unit circle, std 0.01 (the PacGAN / VEEGAN ring, rescaled). */
export function ring8(): MixtureDataset {
  const modes: [number, number][] = [];
  for (let k = 0; k < 8; k++) modes.push([Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);
  return gaussianMixture('ring8', modes, 0.01);
}

/** 25 modes on the grid {-4,-2,0,2,4}², std 0.05. */
export function grid25(): MixtureDataset {
  const modes: [number, number][] = [];
  for (const a of [-4, -2, 0, 2, 4]) for (const b of [-4, -2, 0, 2, 4]) modes.push([a, b]);
  return gaussianMixture('grid25', modes, 0.05);
}

/** A single 2D Gaussian: the easy case, useful to check a loss learns anything. */
export function gauss1(): MixtureDataset {
  return gaussianMixture('gauss1', [[0, 0]], 0.5);
}

/** 100 modes on a 10×10 grid at {-4.5,...,4.5}², std 0.05: a harder mode-dropping test. */
export function grid100(): MixtureDataset {
  const modes: [number, number][] = [];
  for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) modes.push([a - 4.5, b - 4.5]);
  return gaussianMixture('grid100', modes, 0.05);
}

/** 3 modes on the unit circle with unequal spacing: a small mode-collapse demo. */
export function ring3(): MixtureDataset {
  return gaussianMixture('ring3', [[1, 0], [-0.5, Math.sqrt(3) / 2], [-0.5, -Math.sqrt(3) / 2]], 0.02);
}

export const mixtures = { ring8, grid25, grid100, gauss1, ring3 } as const;
export type MixtureName = keyof typeof mixtures;
