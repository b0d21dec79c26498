/**
 * Line art → coloured avatar pairs for pix2pix (`--data avatar-lineart`), from the bundled
 * avatars. The adventurer style draws every outline as a black (#000) shape under the
 * coloured ones, so recolouring every other fill white (background included) and keeping
 * the drawing order renders the avatar's own outline alone: real line art, not an edge map.
 */
import { Resvg } from '@resvg/resvg-js';
import { DataError } from './types.js';
import { AVATAR_CACHE_KIND, AVATAR_DEFAULT_COUNT, AVATAR_DEFAULT_SIZE, avatarDataset, avatarKey, avatarOptions, avatarSvg, checkAvatarArgs, prepareAvatars, type AvatarOptions } from './avatars.js';
import { readCache, writeCache } from './cache.js';
import { countProgress } from './decode-progress.js';
import { pairedDataset, type PairedDataset } from './paired.js';

/** Held-out pairs: the last 500 avatars (a tenth of smaller sets), which no training step draws. */
export function avatarHeldOut(count: number): number {
  return Math.min(500, Math.floor(count / 10));
}

/** The avatar's SVG with every fill but black turned white: its outlines on white. */
export function avatarLineArtSvg(o: AvatarOptions): string {
  const svg = avatarSvg(o);
  const lineArt = svg.replace(/fill="#(?!000")[0-9a-fA-F]{3,8}"/g, 'fill="#fff"');
  // The style's outlines are #000 shapes; a style change that drew them otherwise would leave a blank page.
  if (!lineArt.includes('fill="#000"')) throw new DataError('the avatar style has no black outline shapes any more; avatar-lineart cannot render its line art');
  return lineArt;
}

/** One avatar's line art as size×size grey bytes (white paper, dark lines). */
export function renderAvatarLineArt(o: AvatarOptions, size: number): Uint8Array {
  const img = new Resvg(avatarLineArtSvg(o), { fitTo: { mode: 'width', value: size } }).render();
  if (img.width !== size || img.height !== size) throw new Error(`resvg rendered ${img.width}×${img.height}, not ${size}×${size}`);
  // Read once: each read of resvg's `pixels` copies the whole buffer.
  const rgba = img.pixels;
  const grey = new Uint8Array(size * size);
  // Everything is black or white on an opaque page, so red is the grey level.
  for (let p = 0; p < size * size; p++) grey[p] = rgba[p * 4];
  return grey;
}

interface LineArtMeta {
  version: number;
  count: number;
  size: number;
}

/** Draws the coloured avatars and their line art into gankit's cache, once each. */
export async function prepareAvatarLineArt(count = AVATAR_DEFAULT_COUNT, size = AVATAR_DEFAULT_SIZE, opts: { quiet?: boolean } = {}): Promise<void> {
  checkAvatarArgs(count, size);
  await prepareAvatars(count, size, opts);
  const key = avatarKey(count, size, 'lineart');
  if (readCache<LineArtMeta>(AVATAR_CACHE_KIND, key)) return;
  const bytes = new Uint8Array(count * size * size);
  const progress = countProgress(`drawing the line art of ${count} avatars (${size}×${size}, once; cached)`, count, opts);
  for (let i = 0; i < count; i++) {
    bytes.set(renderAvatarLineArt(avatarOptions(i), size), i * size * size);
    progress.tick(i + 1);
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  progress.done();
  writeCache<LineArtMeta>(AVATAR_CACHE_KIND, key, { version: 1, count, size }, bytes);
}

/** Line art [size, size, 1] → coloured avatar [size, size, 3]; the last avatarHeldOut(count) pairs held out. */
export function avatarLineArtDataset(count = AVATAR_DEFAULT_COUNT, size = AVATAR_DEFAULT_SIZE, mirror = false): PairedDataset {
  checkAvatarArgs(count, size);
  const lineArt = readCache<LineArtMeta>(AVATAR_CACHE_KIND, avatarKey(count, size, 'lineart'));
  if (!lineArt) throw new DataError(`the avatar line art (${count} at ${size}×${size}) is not drawn yet: run it through gankit train, or call prepareDataset() first`);
  const colour = avatarDataset(count, size);
  return pairedDataset({
    name: count === AVATAR_DEFAULT_COUNT ? 'avatar-lineart' : `avatar-lineart:${count}`,
    inputs: { data: lineArt.bytes, shape: [size, size, 1] },
    targets: { data: colour.pixels, shape: [size, size, 3] },
    heldOutCount: avatarHeldOut(count),
    mirror,
  });
}
