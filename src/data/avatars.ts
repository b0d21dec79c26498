/**
 * A bundled colour face data set with tags, drawn at first use, offline, from DiceBear's
 * `adventurer` style (design: Lisa Wischofsky, CC BY 4.0; code: Florian Körner, MIT),
 * rasterised with resvg. Every avatar's options are drawn from gankit's seeded RNG, so the
 * set is the same on every machine, and its tags are the options it was drawn with.
 */
import { createAvatar } from '@dicebear/core';
import { adventurer } from '@dicebear/collection';
import { Resvg } from '@resvg/resvg-js';
import { Rng } from '../core/rng.js';
import { DataError } from './types.js';
import { byteImageDataset, type ByteImageDataset } from './byte-images.js';
import { cacheKey, readCache, writeCache } from './cache.js';
import { countProgress } from './decode-progress.js';

const CACHE_VERSION = 1;
export const AVATAR_CACHE_KIND = 'avatars';
const CACHE_KIND = AVATAR_CACHE_KIND;
export const AVATAR_DEFAULT_COUNT = 10000;
export const AVATAR_DEFAULT_SIZE = 64;
/** The data set's own seed: fixed, so `avatars` names one set whatever the run's seed. */
const DATA_SEED = 20240;

/** Hair colours by the names the tags use. */
export const HAIR_COLOURS: Record<string, string> = {
  red: 'c0281b', orange: 'e07020', blonde: 'e8d48a', brown: '6a4e35', black: '151515',
  grey: 'b4b4b4', green: '3eac2c', blue: '3b6fd6', pink: 'e88fb8', purple: '7b3fa0',
};
export const SKIN_TONES: Record<string, string> = { pale: 'f2d3b1', light: 'ecad80', brown: '9e5622', dark: '763900' };
const BACKGROUNDS = ['b6e3f4', 'c0aede', 'd1d4f9', 'ffd5dc', 'ffdfbf'];
const HAIR_STYLES = [
  ...Array.from({ length: 26 }, (_, i) => `long${String(i + 1).padStart(2, '0')}`),
  ...Array.from({ length: 19 }, (_, i) => `short${String(i + 1).padStart(2, '0')}`),
];
const variants = (n: number) => Array.from({ length: n }, (_, i) => `variant${String(i + 1).padStart(2, '0')}`);
const EYES = variants(26);
const MOUTHS = variants(30);
const EYEBROWS = variants(15);
const GLASSES = variants(5);
const FEATURES = ['mustache', 'blush', 'birthmark', 'freckles'];

/** What one avatar was drawn with. */
export interface AvatarOptions {
  hair: string;
  hairColour: string;
  skin: string;
  glasses: string | null;
  eyes: string;
  mouth: string;
  eyebrows: string;
  feature: string | null;
  earrings: boolean;
  background: string;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

/** Avatar i of the set: its own stream, so the first n avatars are the same for every count. */
export function avatarOptions(i: number, seed = DATA_SEED): AvatarOptions {
  const rng = Rng.derive(seed, i, 7);
  return {
    hair: pick(rng, HAIR_STYLES),
    hairColour: pick(rng, Object.keys(HAIR_COLOURS)),
    skin: pick(rng, Object.keys(SKIN_TONES)),
    glasses: rng.uniform() < 0.25 ? pick(rng, GLASSES) : null,
    eyes: pick(rng, EYES),
    mouth: pick(rng, MOUTHS),
    eyebrows: pick(rng, EYEBROWS),
    feature: rng.uniform() < 0.15 ? pick(rng, FEATURES) : null,
    earrings: rng.uniform() < 0.15,
    background: pick(rng, BACKGROUNDS),
  };
}

/** The tags of one avatar, in words a user types (`--tags "red hair,glasses"`). */
export function avatarTags(o: AvatarOptions): string[] {
  const tags = [`${o.hairColour} hair`, `${o.hair.startsWith('long') ? 'long' : 'short'} hair`, `${o.skin} skin`, `eyes ${o.eyes.slice(-2)}`, `mouth ${o.mouth.slice(-2)}`];
  if (o.glasses) tags.push('glasses');
  if (o.feature) tags.push(o.feature);
  if (o.earrings) tags.push('earrings');
  return tags;
}

export function avatarSvg(o: AvatarOptions): string {
  return createAvatar(adventurer, {
    seed: 'gankit',
    backgroundColor: [o.background],
    hair: [o.hair as 'long01'],
    hairColor: [HAIR_COLOURS[o.hairColour]],
    skinColor: [SKIN_TONES[o.skin]],
    glasses: [(o.glasses ?? 'variant01') as 'variant01'],
    glassesProbability: o.glasses ? 100 : 0,
    eyes: [o.eyes as 'variant01'],
    mouth: [o.mouth as 'variant01'],
    eyebrows: [o.eyebrows as 'variant01'],
    features: [(o.feature ?? 'blush') as 'blush'],
    featuresProbability: o.feature ? 100 : 0,
    earringsProbability: o.earrings ? 100 : 0,
  }).toString();
}

/** One avatar as size×size RGB bytes (the background is opaque). */
export function renderAvatarRgb(o: AvatarOptions, size: number): Uint8Array {
  const img = new Resvg(avatarSvg(o), { fitTo: { mode: 'width', value: size } }).render();
  if (img.width !== size || img.height !== size) throw new Error(`resvg rendered ${img.width}×${img.height}, not ${size}×${size}`);
  const rgba = img.pixels;
  const rgb = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = rgba[p * 4 + k];
  return rgb;
}

export function renderAvatarPng(o: AvatarOptions, size: number): Buffer {
  return new Resvg(avatarSvg(o), { fitTo: { mode: 'width', value: size } }).render().asPng();
}

interface AvatarMeta {
  version: number;
  count: number;
  size: number;
  tagNames: string[];
  /** Per avatar, indices into tagNames. */
  tags: number[][];
}

/** Every tag the style can give, sorted: the multi-hot columns, the same for every count. */
export function avatarTagNames(): string[] {
  const all = new Set<string>();
  for (const c of Object.keys(HAIR_COLOURS)) all.add(`${c} hair`);
  all.add('long hair').add('short hair').add('glasses').add('earrings');
  for (const s of Object.keys(SKIN_TONES)) all.add(`${s} skin`);
  for (const e of EYES) all.add(`eyes ${e.slice(-2)}`);
  for (const m of MOUTHS) all.add(`mouth ${m.slice(-2)}`);
  for (const f of FEATURES) all.add(f);
  return [...all].sort();
}

/** The cache key of the first `count` avatars at `size`, coloured or as line art. */
export function avatarKey(count: number, size: number, look: 'colour' | 'lineart' = 'colour'): string {
  return cacheKey([CACHE_VERSION, 'adventurer-9', DATA_SEED, count, size, ...(look === 'lineart' ? ['lineart'] : [])]);
}

export function checkAvatarArgs(count: number, size: number): void {
  if (!Number.isInteger(count) || count < 1) throw new DataError(`the avatar count must be a positive integer; got ${count}`);
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new DataError(`the avatar resolution must be an integer in 8..1024; got ${size}`);
}

/** Draws the avatar set into gankit's cache once (a progress bar meanwhile). */
export async function prepareAvatars(count = AVATAR_DEFAULT_COUNT, size = AVATAR_DEFAULT_SIZE, opts: { quiet?: boolean } = {}): Promise<void> {
  checkAvatarArgs(count, size);
  const key = avatarKey(count, size);
  if (readCache<AvatarMeta>(CACHE_KIND, key)) return;
  const tagNames = avatarTagNames();
  const col = new Map(tagNames.map((t, i) => [t, i]));
  const per = size * size * 3;
  const bytes = new Uint8Array(count * per);
  const tags: number[][] = [];
  const progress = countProgress(`drawing ${count} avatars (${size}×${size}, once; cached)`, count, opts);
  for (let i = 0; i < count; i++) {
    const o = avatarOptions(i);
    bytes.set(renderAvatarRgb(o, size), i * per);
    tags.push(avatarTags(o).map((t) => col.get(t) as number));
    progress.tick(i + 1);
    // Yield now and then so a terminal redraws the bar.
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  progress.done();
  writeCache<AvatarMeta>(CACHE_KIND, key, { version: CACHE_VERSION, count, size, tagNames, tags }, bytes);
}

/** The avatars as a data set with multi-hot tags, from the cache prepareAvatars filled. */
export function avatarDataset(count = AVATAR_DEFAULT_COUNT, size = AVATAR_DEFAULT_SIZE, mirror = false): ByteImageDataset {
  checkAvatarArgs(count, size);
  const cached = readCache<AvatarMeta>(CACHE_KIND, avatarKey(count, size));
  if (!cached) throw new DataError(`the avatars (${count} at ${size}×${size}) are not drawn yet: run them through gankit train, or call prepareDataset() first`);
  const { tagNames } = cached.meta;
  const tags = new Uint8Array(count * tagNames.length);
  cached.meta.tags.forEach((row, i) => row.forEach((t) => (tags[i * tagNames.length + t] = 1)));
  return byteImageDataset({
    name: count === AVATAR_DEFAULT_COUNT ? 'avatars' : `avatars:${count}`,
    shape: [size, size, 3],
    pixels: cached.bytes,
    tags,
    tagNames,
    mirror,
  });
}
