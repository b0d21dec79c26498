import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Batch, Dataset } from './types.js';
import { DataError } from './types.js';
import type { Rng } from '../core/rng.js';

/**
 * Text as GAN data: each sequence is a [maxLength, vocab] one-hot tensor over a character
 * vocabulary whose index 0 is the padding symbol, so a short word is its characters then
 * padding. Generators output a distribution over the vocabulary at each position (softmax or
 * a relaxed sample); decoding takes the most likely symbol and stops at the first pad.
 */

/** Index 0 of every vocabulary: what fills a sequence after its last character. */
export const PAD = '\u0000';

export interface TextCodec {
  /** The symbols by index; symbols[0] is PAD. */
  readonly symbols: readonly string[];
  readonly maxLength: number;
  readonly vocabSize: number;
  /** Symbol indices of a sequence, padded to maxLength. */
  encode(sequence: string): Int32Array;
  /** A sequence from per-position scores [maxLength × vocab], row-major: argmax, cut at the first pad. */
  decode(scores: ArrayLike<number>): string;
}

/** A character vocabulary over the given sequences (sorted, so the same corpus gives the same codec). */
export function characterCodec(sequences: readonly string[], maxLength: number): TextCodec {
  const chars = new Set<string>();
  for (const s of sequences) for (const ch of s) chars.add(ch);
  return codecFromSymbols([PAD, ...[...chars].sort()], maxLength);
}

export function codecFromSymbols(symbols: readonly string[], maxLength: number): TextCodec {
  const index = new Map(symbols.map((s, i) => [s, i]));
  const vocabSize = symbols.length;
  return {
    symbols,
    maxLength,
    vocabSize,
    encode(sequence) {
      const chars = [...sequence];
      if (chars.length > maxLength) throw new DataError(`'${sequence}' has ${chars.length} characters; the maximum is ${maxLength}`);
      const out = new Int32Array(maxLength);
      chars.forEach((ch, i) => {
        const k = index.get(ch);
        if (k === undefined || k === 0) throw new DataError(`'${sequence}' has the character ${JSON.stringify(ch)}, which is not in the vocabulary`);
        out[i] = k;
      });
      return out;
    },
    decode(scores) {
      let s = '';
      for (let t = 0; t < maxLength; t++) {
        let best = 0;
        for (let k = 1; k < vocabSize; k++) if (scores[t * vocabSize + k] > scores[t * vocabSize + best]) best = k;
        if (best === 0) break;
        s += symbols[best];
      }
      return s;
    },
  };
}

/** Decodes n sequences from scores [n, maxLength, vocab], row-major. */
export function decodeBatch(codec: TextCodec, scores: Float32Array, n: number): string[] {
  const per = codec.maxLength * codec.vocabSize;
  return Array.from({ length: n }, (_, i) => codec.decode(scores.subarray(i * per, (i + 1) * per)));
}

/** One-hot rows [n, maxLength, vocab] of encoded sequences. */
export function oneHot(codec: TextCodec, sequences: readonly string[]): Float32Array {
  const per = codec.maxLength * codec.vocabSize;
  const x = new Float32Array(sequences.length * per);
  sequences.forEach((s, i) => {
    codec.encode(s).forEach((k, t) => {
      x[i * per + t * codec.vocabSize + k] = 1;
    });
  });
  return x;
}

/** A text corpus: the training sequences (what batches draw), the held-out ones, and the codec. */
export interface TextDataset extends Dataset {
  readonly kind: 'text';
  readonly codec: TextCodec;
  readonly train: readonly string[];
  readonly heldOut: readonly string[];
}

export function isTextDataset(data: Pick<Dataset, 'kind'>): data is TextDataset {
  return data.kind === 'text';
}

/** FNV-1a of a string: a split that depends on the word alone, not on the corpus's order. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Every 1 in `every` sequences (by hash) is held out. */
export function splitHeldOut(sequences: readonly string[], every = 10): { train: string[]; heldOut: string[] } {
  const train: string[] = [];
  const heldOut: string[] = [];
  for (const s of sequences) (fnv1a(s) % every === 0 ? heldOut : train).push(s);
  return { train, heldOut };
}

export function textDataset(name: string, sequences: readonly string[], maxLength: number, codec = characterCodec(sequences, maxLength)): TextDataset {
  const { train, heldOut } = splitHeldOut(sequences);
  if (train.length === 0) throw new DataError(`${name} has no training sequences after holding out 1 in 10; give it more lines`);
  const per = maxLength * codec.vocabSize;
  const x = oneHot(codec, train);
  return {
    name,
    kind: 'text',
    shape: [maxLength, codec.vocabSize],
    size: train.length,
    codec,
    train,
    heldOut,
    sample(batchSize: number, rng: Rng): Batch {
      const out = new Float32Array(batchSize * per);
      for (let i = 0; i < batchSize; i++) {
        const j = rng.int(train.length);
        out.set(x.subarray(j * per, (j + 1) * per), i * per);
      }
      return { x: out };
    },
  };
}

/** Longest line `text:FILE` accepts; `text:FILE@N` sets another. */
export const DEFAULT_TEXT_MAX_LENGTH = 16;

/** `FILE` or `FILE@N` (N: the maximum length in characters). */
export function parseTextSpec(arg: string): { path: string; maxLength: number } {
  const at = /^(.*)@(\d+)$/.exec(arg);
  if (!at) return { path: arg, maxLength: DEFAULT_TEXT_MAX_LENGTH };
  const maxLength = Number(at[2]);
  if (maxLength < 1) throw new DataError(`text:${arg}: the maximum length after @ must be at least 1`);
  return { path: at[1], maxLength };
}

/**
 * Sequences from a text file's contents: one per line, blank lines skipped, trailing CR
 * dropped. Binary content and lines over the maximum are errors that name the line.
 */
export function parseTextLines(contents: Buffer, source: string, maxLength: number): string[] {
  if (contents.includes(0)) throw new DataError(`${source} looks binary (it has NUL bytes); give a text file with one sequence per line`);
  const text = contents.toString('utf8');
  if (text.includes('\uFFFD')) throw new DataError(`${source} is not valid UTF-8 text; give a text file with one sequence per line`);
  const lines: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const n = [...line].length;
    if (n > maxLength) {
      throw new DataError(`${source} line ${i + 1} has ${n} characters, over the maximum ${maxLength}; shorten it or raise the maximum with --data text:${source}@${n}`);
    }
    lines.push(line);
  });
  if (lines.length === 0) throw new DataError(`${source} has no sequences; give a text file with one sequence per line`);
  return lines;
}

/** `--data text:FILE[@MAXLEN]`: a user's sequences, one per line. */
export function textFileDataset(arg: string): TextDataset {
  const { path, maxLength } = parseTextSpec(arg);
  let contents: Buffer;
  try {
    if (!statSync(path).isFile()) throw new DataError(`text:${path} is not a file; give a text file with one sequence per line`);
    contents = readFileSync(path);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot read text:${path} (${(e as NodeJS.ErrnoException).code ?? String(e)}); give a text file with one sequence per line`);
  }
  return textDataset(`text:${arg}`, parseTextLines(contents, path, maxLength), maxLength);
}

/** The bundled corpus's longest word: short words keep the CPU runs small. */
export const WORDS_MAX_LENGTH = 8;

/**
 * `--data words`: the lowercase a–z words of 3 to 8 letters of the an-array-of-english-words
 * package, 1 in 10 held out by a hash of the word.
 */
export function wordsDataset(): TextDataset {
  const require = createRequire(import.meta.url);
  const all = require('an-array-of-english-words') as string[];
  const words = all.filter((w) => w.length >= 3 && w.length <= WORDS_MAX_LENGTH && /^[a-z]+$/.test(w));
  const codec = codecFromSymbols([PAD, ...'abcdefghijklmnopqrstuvwxyz'], WORDS_MAX_LENGTH);
  return textDataset('words', words, WORDS_MAX_LENGTH, codec);
}
