import type { LabState } from './lab-state.js';

/**
 * One-click labs. Each preset is a whole LabState (data, networks, loss, optimizer,
 * hyper-parameters, seed), so a preset and the link it writes are the same thing.
 * The numbers in the blurbs were measured with scratch runs of LabGame in Node on the wasm
 * backend (docs/studio.md); the page's own numbers differ slightly, its backend rounds
 * differently.
 */

/** The lab's start: `gankit train --data ring8 --model mlp`'s defaults on a 64-wide MLP. */
export const DEFAULT_STATE: LabState = {
  data: 'ring8',
  loss: 'non-saturating',
  dSteps: 1,
  gSteps: 1,
  optimizer: 'adam',
  lrG: 0.001,
  lrD: 0.001,
  batch: 64,
  hiddenG: '64,64,64',
  hiddenD: '64,64,64',
  gp: 0.1,
  clip: 0.01,
  seed: 1,
  noise: 'gaussian',
  noiseDim: 2,
  points: [],
};

/** A smiley face in the drawing canvas's [−2, 2]²: outline, two eyes, a smile. */
export function smileyPoints(): [number, number][] {
  const pts: [number, number][] = [];
  const arc = (cx: number, cy: number, r: number, from: number, to: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const a = from + ((to - from) * i) / (n - (to - from >= 2 * Math.PI - 1e-9 ? 0 : 1));
      pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    }
  };
  arc(0, 0, 1.5, 0, 2 * Math.PI, 120);
  arc(-0.55, 0.5, 0.14, 0, 2 * Math.PI, 10);
  arc(0.55, 0.5, 0.14, 0, 2 * Math.PI, 10);
  arc(0, 0.05, 0.85, (205 * Math.PI) / 180, (335 * Math.PI) / 180, 40);
  return pts;
}

export interface Preset {
  id: string;
  title: string;
  /** What to watch for, and why its settings differ from the CLI's defaults where they do. */
  blurb: string;
  state: LabState;
  /** Trained weights to open on (a file the page fetches, from scripts/train-lab-preset.ts); absent: fresh networks. */
  trained?: string;
}

export const PRESETS: Preset[] = [
  {
    id: 'ring8-collapse',
    title: 'ring8 collapse',
    blurb:
      'The plain GAN (non-saturating loss, k = 1) in the setting where Metz et al. (Unrolled GANs, 2017) show it collapse: G with two layers of 128, D with one, Adam 1e-4 (β₁ = 0.5), batch 256 — the rate and batch are not the CLI’s 1e-3 and 64, which learn this ring. The fakes pile onto one or two modes and hop between them; in scratch runs 0–2 of 8 modes captured at every check over 1,500 iterations (three seed and batch settings). Watch the modes curve and the red rings; try WGAN-GP rescue next.',
    state: { ...DEFAULT_STATE, hiddenG: '128,128', hiddenD: '128', lrG: 1e-4, lrD: 1e-4, batch: 256 },
  },
  {
    id: 'wgan-gp-rescue',
    title: 'WGAN-GP rescue',
    blurb:
      'The same ring with WGAN-GP at exactly gankit train’s defaults for it (k = 5, Adam 5e-4 β = (0.5, 0.9), λ = 0.1, batch 256) on the lab’s default 64,64,64 networks: all 8 modes by iteration 300 in a scratch run, 7–8 from then to 1,000. The critic’s ramp pulls fakes across empty space to the modes they lack. (On the collapse preset’s one-layer D, WGAN-GP also stays at 0–2 modes: that critic is too small for the smooth ramp, so this preset takes deeper networks.)',
    state: { ...DEFAULT_STATE, loss: 'wgan-gp', dSteps: 5, lrG: 5e-4, lrD: 5e-4, batch: 256, gp: 0.1 },
  },
  {
    id: 'wgan-gp-trained',
    title: 'WGAN-GP, trained',
    blurb:
      'The WGAN-GP rescue lab as it stands after 1,000 iterations, trained in Node by this lab’s own game (`scripts/train-lab-preset.ts`; the weights are studio/presets/ring8-wgan-gp.json): a trained GAN at once. In that run 2 of 8 modes were captured at iteration 100, 7 at 200 and all 8 from 300 on. Press Train to go on from there (Adam’s moments start afresh), or switch the loss to see a trained G pulled about.',
    state: { ...DEFAULT_STATE, loss: 'wgan-gp', dSteps: 5, lrG: 5e-4, lrD: 5e-4, batch: 256, gp: 0.1 },
    trained: 'presets/ring8-wgan-gp.json',
  },
  {
    id: 'grid25',
    title: 'grid25',
    blurb:
      '25 Gaussians on a 5 × 5 grid, with WGAN-GP at the CLI’s defaults (what `gankit train --data grid25 --model mlp --loss wgan-gp` runs): a harder game. In a scratch run 9–14 of the 25 modes were captured over the first 1,000 iterations (the non-saturating loss: 5–13, swinging); the outer modes fill in last.',
    state: { ...DEFAULT_STATE, data: 'grid25', loss: 'wgan-gp', dSteps: 5, lrG: 5e-4, lrD: 5e-4, batch: 256, gp: 0.1 },
  },
  {
    id: 'smiley',
    title: 'drawn smiley',
    blurb:
      'A face defined in code (180 points: outline, eyes, smile) as drawn data, on the CLI’s defaults for the non-saturating loss. The 38 red rings are spaced-out points of the drawing, the “modes” of the coverage curve. In a scratch run 33 of 38 were captured by iteration 150 and 37 by 300; coverage then dipped to 16 at 900 and was back to 38 of 38 by 1,350: a drawing is one connected shape, so G’s manifold can stretch along it. Export config trains the same data with the CLI.',
    state: { ...DEFAULT_STATE, data: 'drawn', points: smileyPoints() },
  },
];
