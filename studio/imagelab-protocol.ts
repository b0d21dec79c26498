import type { RunConfig } from '../src/train/config.js';
import type { ImageNetSize } from './imagelab-nets.js';

/** Messages from the image lab page to its training worker. */
export type ToWorker =
  | { type: 'init'; backend: string }
  | { type: 'reset'; config: RunConfig; size: ImageNetSize }
  | { type: 'play' }
  | { type: 'pause' }
  /** Redraw the samples: class or first categorical code (−1: column k is k), continuous codes, interpolation endpoints. */
  | { type: 'view'; chosen: number; c1: number; c2: number; pairSeed: number }
  | { type: 'tensors'; id: number };

/** What conditioning the current variant offers, for the sliders. */
export interface ConditionInfo {
  kind: 'none' | 'label' | 'codes';
  classes: number;
  continuous: number;
}

/** Messages from the worker to the page. */
export type FromWorker =
  | { type: 'backend'; name: string; skipped: string[]; described: string }
  | { type: 'data'; real: Float32Array; count: number }
  | { type: 'ready'; condition: ConditionInfo }
  | { type: 'steps'; step: number; steps: number[]; d: number[]; g: number[]; msPerIteration: number }
  | { type: 'samples'; step: number; grid: Float32Array; shown: number; cols: number; strip: Float32Array; interp: number }
  | { type: 'stopped'; message: string }
  | { type: 'error'; message: string }
  | { type: 'tensors'; id: number; count: number };
