import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { DataError } from './types.js';
import { DataOptionsSchema, parseHexColour, type DataOptions, type DataOptionsInput } from './options.js';
import { imageDecoder, IMAGE_EXTENSIONS, type ImageDecoder } from './image-decode.js';
import { readTagFile, matchTags } from './image-labels.js';
import { byteImageDataset, type ByteImageDataset } from './byte-images.js';
import { cacheKey, readCache, writeCache } from './cache.js';
import { countProgress } from './decode-progress.js';

/** Bumped when what the cache holds changes meaning. */
const CACHE_VERSION = 1;
const CACHE_KIND = 'images';

/** What one decoded folder's cache entry records beside its bytes (n × size × size × 3 RGB). */
interface FolderMeta {
  version: number;
  dir: string;
  resolution: number;
  decoder: string;
  /** Decoded files, relative to the folder, in the order of the bytes. */
  files: string[];
  /** Per decoded file: 1 when every pixel has R = G = B. */
  grey: number[];
  skipped: { file: string; reason: string }[];
}

export interface PrepareOptions {
  quiet?: boolean;
  /** Where notices and the skipped-files line go (default: stderr). */
  log?: (line: string) => void;
}

export function parseDataOptions(input: DataOptionsInput | undefined): DataOptions {
  const parsed = DataOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`invalid dataOptions${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  return parsed.data;
}

/** Image files under dir, recursively, as sorted '/'-separated relative paths (dot-files skipped). */
export function listImageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile() && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

function checkFolder(dir: string): string[] {
  if (!existsSync(dir)) throw new DataError(`no such folder: ${dir} (give --data images:DIR, a folder of PNG/JPEG/WebP/GIF files)`);
  if (!statSync(dir).isDirectory()) throw new DataError(`${dir} is a file; --data images: takes a folder of images`);
  const files = listImageFiles(dir);
  if (files.length === 0) throw new DataError(`${dir} has no image files (.png, .jpg, .jpeg, .webp, .gif, searched recursively)`);
  return files;
}

/** How a folder is decoded beyond its data options: the whole image, or one half of each (side-by-side pairs). */
export interface FolderPart {
  half?: 'left' | 'right';
}

function folderKey(dir: string, files: string[], o: DataOptions, part: FolderPart = {}): string {
  const stamps = files.map((f) => {
    const s = statSync(join(dir, f));
    return [f, s.size, Math.round(s.mtimeMs)];
  });
  // A whole-image entry keeps the key it had before halves existed.
  return cacheKey([CACHE_VERSION, resolve(dir), stamps, o.resolution ?? 'auto', o.crop, o.background.toLowerCase(), ...(part.half ? [part.half] : [])]);
}

/** The default side: the smallest power of two ≥ 32 covering the median short side, at most 64. */
export function defaultResolution(sides: number[]): number {
  const sorted = [...sides].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 32;
  let r = 32;
  while (r < median && r < 64) r *= 2;
  return r;
}

function skippedLine(dir: string, skipped: FolderMeta['skipped'], total: number): string {
  const names = skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join(', ');
  return `${dir}: skipped ${skipped.length} of ${total} files that could not be read: ${names}${skipped.length > 3 ? ', …' : ''}`;
}

/** Side-by-side pairs: an image narrower than this many times its height is not two pictures. */
const SIDE_BY_SIDE_MIN_ASPECT = 1.5;

async function decodeAll(dir: string, files: string[], decoder: ImageDecoder, o: DataOptions, opts: PrepareOptions, part: FolderPart = {}): Promise<{ bytes: Uint8Array; meta: FolderMeta }> {
  const skipped: FolderMeta['skipped'] = [];
  const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 80);
  let readable = files.filter((f) => {
    if (decoder.extensions.includes(extname(f).toLowerCase())) return true;
    skipped.push({ file: f, reason: `${extname(f)} needs sharp` });
    return false;
  });
  let resolution = o.resolution;
  if (resolution === undefined || part.half) {
    const sides: number[] = [];
    const narrow = new Set<string>();
    for (const f of readable) {
      try {
        const d = await decoder.dimensions(join(dir, f));
        if (part.half && d.width < SIDE_BY_SIDE_MIN_ASPECT * d.height) {
          narrow.add(f);
          skipped.push({ file: f, reason: `${d.width}×${d.height} is not two images side by side` });
          continue;
        }
        sides.push(part.half ? Math.min(Math.floor(d.width / 2), d.height) : Math.min(d.width, d.height));
      } catch {
        // Reported once, by the decode pass below.
      }
    }
    readable = readable.filter((f) => !narrow.has(f));
    resolution ??= defaultResolution(sides);
  }
  const per = resolution * resolution * 3;
  const slots: (Uint8Array | null)[] = new Array(readable.length).fill(null);
  const progress = countProgress(`decoding ${dir}${part.half ? ` (${part.half} halves)` : ''}`, readable.length, { quiet: opts.quiet });
  const settings = { size: resolution, crop: o.crop, background: parseHexColour(o.background), half: part.half };
  let next = 0;
  let done = 0;
  // A few decodes in flight keep sharp's thread pool busy without holding many files open.
  const worker = async () => {
    while (next < readable.length) {
      const i = next++;
      try {
        slots[i] = (await decoder.decode(join(dir, readable[i]), settings)).rgb;
      } catch (e) {
        skipped.push({ file: readable[i], reason: reason(e) });
      }
      progress.tick(++done);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  progress.done();
  const kept = readable.map((f, i) => ({ f, px: slots[i] })).filter((e): e is { f: string; px: Uint8Array } => e.px !== null);
  const bytes = new Uint8Array(kept.length * per);
  const grey: number[] = [];
  kept.forEach((e, i) => {
    bytes.set(e.px, i * per);
    let g = 1;
    for (let p = 0; p < e.px.length; p += 3) if (e.px[p] !== e.px[p + 1] || e.px[p] !== e.px[p + 2]) { g = 0; break; }
    grey.push(g);
  });
  skipped.sort((a, b) => a.file.localeCompare(b.file));
  return { bytes, meta: { version: CACHE_VERSION, dir: resolve(dir), resolution, decoder: decoder.name, files: kept.map((e) => e.f), grey, skipped } };
}

/**
 * Decodes an image folder into gankit's cache (once: the entry is keyed by the files'
 * sizes and mtimes, the resolution, the crop and the background), printing a progress bar
 * and a line about unreadable files. Nothing is written into the folder.
 */
export async function prepareImageFolder(dir: string, input: DataOptionsInput | undefined, opts: PrepareOptions = {}): Promise<void> {
  await prepareFolder(dir, parseDataOptions(input), opts);
}

/** prepareImageFolder for parsed options and one part of each image; returns the decoded side. */
export async function prepareFolder(dir: string, o: DataOptions, opts: PrepareOptions = {}, part: FolderPart = {}): Promise<{ resolution: number }> {
  const files = checkFolder(dir);
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const key = folderKey(dir, files, o, part);
  const cached = readCache<FolderMeta>(CACHE_KIND, key);
  if (cached) {
    checkDecoded(dir, cached.meta, o, files.length);
    return { resolution: cached.meta.resolution };
  }
  const { decoder, notice } = await imageDecoder();
  if (notice) log(`note: ${notice}`);
  const { bytes, meta } = await decodeAll(dir, files, decoder, o, opts, part);
  checkDecoded(dir, meta, o, files.length);
  if (meta.skipped.length && !opts.quiet) log(`warning: ${skippedLine(dir, meta.skipped, files.length)} (--strict makes this an error)`);
  writeCache(CACHE_KIND, key, meta, bytes);
  return { resolution: meta.resolution };
}

/** A decoded folder as bytes: its files (relative, sorted), side and channels. */
export interface DecodedFolder {
  files: string[];
  resolution: number;
  channels: 1 | 3;
  /** files.length × resolution² × channels bytes, NHWC. */
  pixels: Uint8Array;
}

/** What prepareFolder left in the cache for these options and part, with the channels chosen. */
export function readDecodedFolder(dir: string, o: DataOptions, part: FolderPart = {}): DecodedFolder {
  const files = checkFolder(dir);
  const cached = readCache<FolderMeta>(CACHE_KIND, folderKey(dir, files, o, part));
  if (!cached) throw new DataError(`${dir} is not decoded yet (or changed since): run it through gankit train, or call prepareDataset() first`);
  const { meta } = cached;
  checkDecoded(dir, meta, o, files.length);
  const channels = channelsOf(dir, meta, o.channels);
  return { files: meta.files, resolution: meta.resolution, channels, pixels: channels === 3 ? cached.bytes : toGrey(cached.bytes) };
}

function checkDecoded(dir: string, meta: FolderMeta, o: DataOptions, total: number): void {
  if (meta.files.length === 0) throw new DataError(`${dir} has ${total} image file${total === 1 ? '' : 's'} but none could be read (${meta.skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`).join('; ')})`);
  if (o.strict && meta.skipped.length) throw new DataError(`${skippedLine(dir, meta.skipped, total)}; remove them, or drop --strict to skip them`);
}

/** The channel count: as asked, or what the images are (all grey → 1, all colour → 3). */
function channelsOf(dir: string, meta: FolderMeta, asked: 1 | 3 | undefined): 1 | 3 {
  if (asked) return asked;
  const greyCount = meta.grey.reduce((a, b) => a + b, 0);
  if (greyCount === 0) return 3;
  if (greyCount === meta.grey.length) return 1;
  const example = meta.files.find((_, i) => meta.grey[i] === 1);
  throw new DataError(
    `${dir} mixes ${greyCount} greyscale image${greyCount === 1 ? '' : 's'} (e.g. ${example}) with ${meta.grey.length - greyCount} colour ones; add --channels 3 (grey repeated over RGB) or --channels 1 (colour turned to grey)`,
  );
}

/** Rec. 709 luma of RGB bytes, as sharp's greyscale conversion weighs the channels. */
function toGrey(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) out[p] = Math.round(0.2126 * rgb[p * 3] + 0.7152 * rgb[p * 3 + 1] + 0.0722 * rgb[p * 3 + 2]);
  return out;
}

/** Class labels from the ImageFolder convention: every file in a first-level sub-folder, two or more of them. */
function folderClasses(files: string[]): { classNames: string[]; labels: Int32Array } | null {
  if (!files.every((f) => f.includes('/'))) return null;
  const classNames = [...new Set(files.map((f) => f.slice(0, f.indexOf('/'))))].sort();
  if (classNames.length < 2) return null;
  return { classNames, labels: Int32Array.from(files, (f) => classNames.indexOf(f.slice(0, f.indexOf('/')))) };
}

/**
 * An image folder as a data set (`--data images:DIR`), from the cache prepareImageFolder
 * filled. Labels: class sub-folders and/or multi-hot tags from `labels` (CSV or JSON).
 */
export function imageFolderDataset(dir: string, input?: DataOptionsInput): ByteImageDataset {
  const o = parseDataOptions(input);
  const files = checkFolder(dir);
  const cached = readCache<FolderMeta>(CACHE_KIND, folderKey(dir, files, o));
  if (!cached) throw new DataError(`${dir} is not decoded yet (or changed since): run it through gankit train, or call prepareDataset() first`);
  const { meta } = cached;
  checkDecoded(dir, meta, o, files.length);
  const channels = channelsOf(dir, meta, o.channels);
  const pixels = channels === 3 ? cached.bytes : toGrey(cached.bytes);
  const classes = folderClasses(meta.files);
  let tags: Uint8Array | undefined;
  let tagNames: string[] | undefined;
  if (o.labels) {
    // Matched against every image file, so a row for a skipped (corrupt) file is not a typo.
    const matched = matchTags(readTagFile(o.labels), files, o.labels, dir);
    const index = new Map(files.map((f, i) => [f, i]));
    // Tags only skipped files had would be columns no sample ever sets.
    tagNames = [...new Set(meta.files.flatMap((f) => matched.perFile[index.get(f) as number]))].sort();
    const col = new Map(tagNames.map((t, i) => [t, i]));
    tags = new Uint8Array(meta.files.length * tagNames.length);
    meta.files.forEach((f, i) => {
      for (const t of matched.perFile[index.get(f) as number]) tags![i * tagNames!.length + (col.get(t) as number)] = 1;
    });
    if (tagNames.length === 0) throw new DataError(`${o.labels} gives no tags to any image; expected rows like 'a.png,"red hair, glasses"'`);
  }
  return byteImageDataset({
    name: `images:${dir}`,
    shape: [meta.resolution, meta.resolution, channels],
    pixels,
    ...(classes ?? {}),
    ...(tags ? { tags, tagNames } : {}),
    mirror: o.mirror,
  });
}
