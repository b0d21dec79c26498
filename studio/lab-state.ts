import { LOSS_TYPES, type LossType } from '../src/train/config.js';
import type { NoiseKind } from './lab-game.js';

/**
 * Everything that makes a 2D lab what it is, and its form in a link. DOM-free, so the
 * round trip is tested in Node as well as in the page.
 */

export const DATA_CHOICES = ['ring8', 'grid25', 'ring3', 'gauss1', 'grid100', 'drawn'] as const;
export type DataChoice = (typeof DATA_CHOICES)[number];
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];

export interface LabState {
  data: DataChoice;
  loss: LossType;
  /** D (critic) steps per iteration: k of Algorithm 1. */
  dSteps: number;
  gSteps: number;
  optimizer: OptimizerChoice;
  lrG: number;
  lrD: number;
  batch: number;
  hiddenG: string;
  hiddenD: string;
  gp: number;
  clip: number;
  seed: number;
  noise: NoiseKind;
  noiseDim: 1 | 2;
  /** The drawing, when data is 'drawn'. */
  points: [number, number][];
}

/** Drawn points in a link: each coordinate on [−2, 2] (the drawing canvas) in 4096 steps, two characters. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const RANGE = 2;
const LEVELS = 4095;
/** Points a link carries (4 characters each): beyond, the link leaves the drawing out and says so. */
export const MAX_LINK_POINTS = 1500;

export function encodePoints(points: readonly (readonly [number, number])[]): string {
  let s = '';
  for (const p of points)
    for (const v of p) {
      const q = Math.round(((Math.min(RANGE, Math.max(-RANGE, v)) + RANGE) / (2 * RANGE)) * LEVELS);
      s += ALPHABET[q >> 6] + ALPHABET[q & 63];
    }
  return s;
}

export function decodePoints(s: string): [number, number][] {
  if (s.length % 4 !== 0 || /[^A-Za-z0-9_-]/.test(s)) throw new Error('the drawn points are not in the link’s format');
  const v: number[] = [];
  for (let i = 0; i < s.length; i += 2) {
    const q = (ALPHABET.indexOf(s[i]) << 6) | ALPHABET.indexOf(s[i + 1]);
    v.push(Math.min(LEVELS, q) / LEVELS * 2 * RANGE - RANGE);
  }
  const out: [number, number][] = [];
  for (let i = 0; i < v.length; i += 2) out.push([v[i], v[i + 1]]);
  return out;
}

/** The keys a link uses, in order: short, since they are read in the address bar. */
const KEYS = ['data', 'loss', 'd', 'g', 'opt', 'lrg', 'lrd', 'batch', 'hg', 'hd', 'gp', 'clip', 'seed', 'noise', 'pts'] as const;

/** True when a query string holds any of the lab's settings. */
export function hasLabState(params: URLSearchParams): boolean {
  return KEYS.some((k) => params.has(k));
}

/**
 * Writes the state into params (keeping other keys, e.g. ?backend=). Returns a note when
 * the drawing is too large for a link.
 */
export function writeState(state: LabState, params: URLSearchParams): { note: string | null } {
  for (const k of KEYS) params.delete(k);
  params.set('data', state.data);
  params.set('loss', state.loss);
  params.set('d', String(state.dSteps));
  params.set('g', String(state.gSteps));
  params.set('opt', state.optimizer);
  params.set('lrg', String(state.lrG));
  params.set('lrd', String(state.lrD));
  params.set('batch', String(state.batch));
  params.set('hg', state.hiddenG);
  params.set('hd', state.hiddenD);
  if (state.loss === 'wgan-gp') params.set('gp', String(state.gp));
  if (state.loss === 'wgan') params.set('clip', String(state.clip));
  params.set('seed', String(state.seed));
  params.set('noise', `${state.noiseDim}-${state.noise}`);
  if (state.data !== 'drawn') return { note: null };
  if (state.points.length > MAX_LINK_POINTS) {
    return { note: `the drawing has ${state.points.length} points, more than a link carries (${MAX_LINK_POINTS}): this link leaves it out; use export config for it` };
  }
  params.set('pts', encodePoints(state.points));
  return { note: null };
}

/**
 * Reads what params give over `base`; a value that is not valid keeps base's and adds one
 * line to `problems` (the page shows them), so a mangled link still opens.
 */
export function readState(params: URLSearchParams, base: LabState): { state: LabState; problems: string[] } {
  const state: LabState = { ...base, points: [...base.points] };
  const problems: string[] = [];
  const num = (key: string, field: keyof LabState, min: number, max: number, integer = false) => {
    const raw = params.get(key);
    if (raw === null) return;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      problems.push(`${key}=${raw} is not ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
      return;
    }
    (state as unknown as Record<string, number>)[field] = v;
  };
  const pick = <T extends string>(key: string, allowed: readonly T[], set: (v: T) => void) => {
    const raw = params.get(key);
    if (raw === null) return;
    if ((allowed as readonly string[]).includes(raw)) set(raw as T);
    else problems.push(`${key}=${raw} is not one of ${allowed.join(', ')}`);
  };
  pick('data', DATA_CHOICES, (v) => (state.data = v));
  pick('loss', LOSS_TYPES, (v) => (state.loss = v));
  pick('opt', OPTIMIZERS, (v) => (state.optimizer = v));
  pick('noise', ['1-gaussian', '1-uniform', '2-gaussian', '2-uniform'] as const, (v) => {
    state.noiseDim = v[0] === '1' ? 1 : 2;
    state.noise = v.slice(2) as NoiseKind;
  });
  num('d', 'dSteps', 1, 50, true);
  num('g', 'gSteps', 1, 50, true);
  num('lrg', 'lrG', 1e-7, 10);
  num('lrd', 'lrD', 1e-7, 10);
  num('batch', 'batch', 2, 4096, true);
  num('gp', 'gp', 0, 1000);
  num('clip', 'clip', 1e-5, 10);
  num('seed', 'seed', 0, 2 ** 31, true);
  for (const [key, field] of [['hg', 'hiddenG'], ['hd', 'hiddenD']] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    if (/^\d{1,4}(,\d{1,4}){0,5}$/.test(raw)) state[field] = raw;
    else problems.push(`${key}=${raw} is not a list of layer widths like 64,64,64`);
  }
  const pts = params.get('pts');
  if (pts !== null) {
    try {
      state.points = decodePoints(pts);
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else if (state.data === 'drawn' && params.has('data')) {
    problems.push('this link names drawn data but carries no points (the drawing was too large for a link): draw again');
    state.points = [];
  }
  return { state, problems };
}
