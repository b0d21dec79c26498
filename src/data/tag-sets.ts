import { Rng } from '../core/rng.js';
import { STREAM, streamId, SUBSTEPS } from '../core/streams.js';
import { DataError, type Dataset } from './types.js';

/**
 * Tag sets as a tag-conditioned generator takes them: multi-hot rows over a data set's
 * tagNames. A user names tags (`--tags "red hair,glasses"`); the rows G sees come from the
 * data's own tag sets, so the tags not named vary as they do in the data (every avatar has
 * one hair colour, one skin tone, one hair length...), and G is never asked for a set it
 * was not trained on, such as a face with no skin tone.
 */

/** What drawing tag sets needs of a data set. */
export type TagSource = Pick<Dataset, 'name' | 'tagNames' | 'tags' | 'sample'>;

/** Rows drawn to stand for a data set that keeps no tags in memory (a sampler). */
const POOL_DRAWS = 4096;

/** The data's tag names; a DataError when it has none. */
export function tagNamesOf(data: Pick<Dataset, 'name' | 'tagNames'>): readonly string[] {
  if (!data.tagNames?.length) throw new DataError(`data '${data.name}' has no tags (give an image folder a --labels FILE, or use --data avatars)`);
  return data.tagNames;
}

/**
 * The rng of one draw of tag sets: `draw` tells the callers apart (the stream their latents
 * come from: grids, `gankit sample`, evaluation), each a sub-step of the sampleTags stream.
 */
export function tagDrawRng(seed: number, draw: number): Rng {
  return Rng.derive(seed, 0, streamId(STREAM.sampleTags, draw));
}

/**
 * The tag sets of the data, one multi-hot row per sample: the stored ones in data order, or
 * for a sampler POOL_DRAWS rows drawn from a fixed stream (the empirical distribution either way).
 */
export function tagPool(data: TagSource): Uint8Array {
  const width = tagNamesOf(data).length;
  if (data.tags && data.tags.length >= width) return data.tags;
  const tags = data.sample(POOL_DRAWS, tagDrawRng(0, SUBSTEPS - 1)).tags;
  if (!tags) throw new DataError(`data '${data.name}' names tags but its batches carry none`);
  return tags;
}

const normal = (t: string) => t.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Column indices of the tags a user lists ("red hair, glasses": commas separate, case and
 * extra spaces do not matter). An unknown tag is a DataError naming every known one.
 */
export function parseTagList(text: string, tagNames: readonly string[]): number[] {
  const wanted = text.split(',').map(normal).filter((t) => t.length > 0);
  if (wanted.length === 0) throw new DataError(`--tags needs at least one tag name, e.g. --tags "${tagNames.slice(0, 2).join(',')}"`);
  const column = new Map(tagNames.map((t, i) => [normal(t), i]));
  const unknown = wanted.filter((t) => !column.has(t));
  if (unknown.length) {
    throw new DataError(`unknown tag${unknown.length === 1 ? '' : 's'} ${unknown.map((t) => `'${t}'`).join(', ')}; this run knows: ${tagNames.join(', ')}`);
  }
  return [...new Set(wanted.map((t) => column.get(t) as number))];
}

/** One multi-hot row with exactly these columns on. */
export function multiHotRow(columns: readonly number[], width: number): Uint8Array {
  const row = new Uint8Array(width);
  for (const c of columns) row[c] = 1;
  return row;
}

export interface DrawnTagSets {
  /** n rows × width, multi-hot. */
  rows: Uint8Array;
  /** How many of the pool's tag sets carry every required tag (0: the rows are exactly the required tags). */
  matching: number;
}

/**
 * n tag sets drawn uniformly from the pool's rows that carry every required tag: the data's
 * tag distribution given those tags. When no row carries them all (a combination the data
 * never shows), every row is exactly the required tags and `matching` is 0.
 */
export function drawTagSets(pool: Uint8Array, width: number, n: number, rng: Rng, required: readonly number[] = []): DrawnTagSets {
  const total = pool.length / width;
  const candidates: number[] = [];
  for (let i = 0; i < total; i++) if (required.every((c) => pool[i * width + c] === 1)) candidates.push(i);
  const rows = new Uint8Array(n * width);
  if (candidates.length === 0) {
    const row = multiHotRow(required, width);
    for (let i = 0; i < n; i++) rows.set(row, i * width);
    return { rows, matching: 0 };
  }
  for (let i = 0; i < n; i++) {
    const j = candidates[rng.int(candidates.length)];
    rows.set(pool.subarray(j * width, (j + 1) * width), i * width);
  }
  return { rows, matching: candidates.length };
}

/** The pool's first n rows, cycling: the tag sets a generator uses when a caller names none. */
export function firstTagSets(pool: Uint8Array, width: number, n: number): Uint8Array {
  const total = pool.length / width;
  const rows = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) rows.set(pool.subarray((i % total) * width, ((i % total) + 1) * width), i * width);
  return rows;
}
