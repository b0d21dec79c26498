import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError } from './types.js';
import type { DataOptions } from './options.js';
import { prepareFolder, readDecodedFolder, type DecodedFolder, type PrepareOptions } from './images.js';
import { pairedDataset, type PairedDataset } from './paired.js';

/**
 * Paired image folders for pix2pix (`--data pairs:...`), decoded through the image-folder
 * pipeline (sharp, gankit's uint8 cache, --resolution/--crop/--channels/--background):
 * - `pairs:DIR_A,DIR_B`: an input in DIR_A and its target in DIR_B under the same name
 *   (the relative path without its extension, so a.png pairs with a.jpg);
 * - `pairs:DIR`: one folder of images that each hold a pair side by side, input on the
 *   left and target on the right (the pix2pix convention, e.g. 512×256 for 256×256 pairs).
 * Both sides get one side length: --resolution, or what DIR_A's (the left halves') images
 * give. Nothing is held out: every pair trains, and sample grids show training pairs.
 */
export type PairSpec = { kind: 'folders'; dirA: string; dirB: string } | { kind: 'side-by-side'; dir: string };

export function parsePairSpec(arg: string): PairSpec {
  const parts = arg.split(',');
  if (parts.some((p) => p.trim() === '') || parts.length > 2) {
    throw new DataError(`--data pairs: takes two folders with the same file names, pairs:DIR_A,DIR_B, or one folder of side-by-side A|B images, pairs:DIR; got 'pairs:${arg}'`);
  }
  if (parts.length === 1) return { kind: 'side-by-side', dir: parts[0] };
  const [dirA, dirB] = parts;
  if (resolve(dirA) === resolve(dirB)) {
    throw new DataError(`pairs:${arg} names the same folder twice; for side-by-side A|B images give it once: pairs:${dirA}`);
  }
  return { kind: 'folders', dirA, dirB };
}

function checkDir(dir: string): void {
  if (!existsSync(dir)) throw new DataError(`no such folder: ${dir} (--data pairs:DIR_A,DIR_B takes two folders of images with the same file names)`);
  if (!statSync(dir).isDirectory()) throw new DataError(`${dir} is a file; --data pairs: takes folders of images`);
}

/** A decoded file's pairing name across two folders: its relative path without the extension. */
const stem = (file: string) => file.replace(/\.[^./]+$/, '');

function stems(dir: string, files: string[], key: (file: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  files.forEach((f, i) => {
    const s = key(f);
    const earlier = out.get(s);
    if (earlier !== undefined) throw new DataError(`${dir} has two images named ${s} (${files[earlier]} and ${f}); pairs are matched by name, so keep one`);
    out.set(s, i);
  });
  return out;
}

/** Up to three names and a count, for the unmatched line. */
function someNames(names: string[]): string {
  return `${names.slice(0, 3).join(', ')}${names.length > 3 ? `, … (${names.length - 3} more)` : ''}`;
}

interface Matched {
  inputRows: Int32Array;
  targetRows: Int32Array;
  /** One line naming the images without a partner; null when every image has one. */
  unmatched: string | null;
}

/**
 * Pairs by name (`key` of each file), in sorted name order; an error when no name is on
 * both sides. The halves of one side-by-side image share its whole file name.
 */
function matchByName(a: { dir: string; files: string[] }, b: { dir: string; files: string[] }, key: (file: string) => string): Matched {
  const inA = stems(a.dir, a.files, key);
  const inB = stems(b.dir, b.files, key);
  const both = [...inA.keys()].filter((s) => inB.has(s)).sort();
  const onlyA = [...inA.keys()].filter((s) => !inB.has(s)).sort();
  const onlyB = [...inB.keys()].filter((s) => !inA.has(s)).sort();
  const sides = [
    onlyA.length ? `${onlyA.length} in ${a.dir} have no partner in ${b.dir} (${someNames(onlyA)})` : '',
    onlyB.length ? `${onlyB.length} in ${b.dir} have no partner in ${a.dir} (${someNames(onlyB)})` : '',
  ].filter(Boolean);
  if (both.length === 0) {
    throw new DataError(`pairs: no image name is in both ${a.dir} (e.g. ${a.files[0]}) and ${b.dir} (e.g. ${b.files[0]}); pairs are matched by file name without the extension`);
  }
  return {
    inputRows: Int32Array.from(both, (s) => inA.get(s) as number),
    targetRows: Int32Array.from(both, (s) => inB.get(s) as number),
    unmatched: sides.length ? `pairs: ${sides.join('; ')}; training on the ${both.length} pair${both.length === 1 ? '' : 's'} that match` : null,
  };
}

/** The two decoding passes of a spec: folder and part, A first (its side sets B's). */
function passes(spec: PairSpec): [{ dir: string; half?: 'left' }, { dir: string; half?: 'right' }] {
  return spec.kind === 'folders' ? [{ dir: spec.dirA }, { dir: spec.dirB }] : [{ dir: spec.dir, half: 'left' }, { dir: spec.dir, half: 'right' }];
}

/** Decodes both sides into the cache (once) and reports, in one line, images without a partner. */
export async function preparePairs(spec: PairSpec, o: DataOptions, opts: PrepareOptions = {}): Promise<void> {
  const [a, b] = passes(spec);
  checkDir(a.dir);
  checkDir(b.dir);
  const { resolution } = await prepareFolder(a.dir, o, opts, { half: a.half });
  await prepareFolder(b.dir, { ...o, resolution }, opts, { half: b.half });
  const { unmatched } = readSides(spec, o);
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  if (unmatched && !opts.quiet) log(`warning: ${unmatched}`);
}

function readSides(spec: PairSpec, o: DataOptions): { inputs: DecodedFolder; targets: DecodedFolder } & Matched {
  const [a, b] = passes(spec);
  const inputs = readDecodedFolder(a.dir, o, { half: a.half });
  const targets = readDecodedFolder(b.dir, { ...o, resolution: inputs.resolution }, { half: b.half });
  const label = (dir: string, half?: string) => (half ? `${dir} (${half} halves)` : dir);
  const key = spec.kind === 'folders' ? stem : (f: string) => f;
  return { inputs, targets, ...matchByName({ dir: label(a.dir, a.half), files: inputs.files }, { dir: label(b.dir, b.half), files: targets.files }, key) };
}

/** The paired set preparePairs decoded: inputs from DIR_A (left halves), targets from DIR_B (right halves). */
export function pairFolderDataset(spec: PairSpec, o: DataOptions, name: string): PairedDataset {
  const { inputs, targets, inputRows, targetRows } = readSides(spec, o);
  const side = (d: DecodedFolder, rows: Int32Array) => ({ data: d.pixels, shape: [d.resolution, d.resolution, d.channels], rows });
  return pairedDataset({ name, inputs: side(inputs, inputRows), targets: side(targets, targetRows), heldOutCount: 0, mirror: o.mirror });
}
