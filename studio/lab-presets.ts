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
}

export const PRESETS: Preset[] = [
  {
    id: 'ring8-collapse',
    title: 'ring8 collapse',
    blurb: 'A plain GAN (non-saturating loss) that collapses: TODO',
    state: { ...DEFAULT_STATE, hiddenG: '128,128', hiddenD: '128', lrG: 1e-4, lrD: 1e-4, batch: 256 },
  },
  {
    id: 'wgan-gp-rescue',
    title: 'WGAN-GP rescue',
    blurb: 'TODO',
    state: { ...DEFAULT_STATE, loss: 'wgan-gp', dSteps: 5, lrG: 5e-4, lrD: 5e-4, batch: 256, gp: 0.1 },
  },
  {
    id: 'grid25',
    title: 'grid25',
    blurb: 'TODO',
    state: { ...DEFAULT_STATE, data: 'grid25' },
  },
  {
    id: 'smiley',
    title: 'drawn smiley',
    blurb: 'TODO',
    state: { ...DEFAULT_STATE, data: 'drawn', points: smileyPoints() },
  },
];
