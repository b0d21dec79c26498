import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, DataError } from '../../src/data/index.js';
import { characterCodec, decodeBatch, isTextDataset, oneHot, parseTextLines, splitHeldOut, textFileDataset } from '../../src/data/text.js';
import { Rng } from '../../src/core/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'gankit-text-'));
const file = (name: string, contents: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, contents);
  return p;
};

test('encoding round trip: one-hot, then decode, gives the words back', () => {
  const words = ['cat', 'dog', 'a', 'zebra', 'héllo'];
  const codec = characterCodec(words, 6);
  assert.equal(codec.symbols[0], '\u0000');
  assert.equal(codec.vocabSize, 1 + new Set(words.join('')).size);
  const x = oneHot(codec, words);
  assert.equal(x.length, words.length * 6 * codec.vocabSize);
  assert.deepEqual(decodeBatch(codec, x, words.length), words);
  // Every position is one-hot, padding included.
  for (let r = 0; r < words.length * 6; r++) assert.equal(x.subarray(r * codec.vocabSize, (r + 1) * codec.vocabSize).reduce((a, b) => a + b, 0), 1);
});

test('decode cuts at the first pad and takes the most likely symbol', () => {
  const codec = characterCodec(['ab'], 3);
  // positions: b (0.6), a (0.5 vs pad 0.4), pad → 'ba'
  const scores = [0.1, 0.3, 0.6, 0.4, 0.5, 0.1, 0.9, 0.05, 0.05];
  assert.equal(codec.decode(scores), 'ba');
  assert.throws(() => codec.encode('abc a'), /characters; the maximum is 3/);
  assert.throws(() => codec.encode('az'), /not in the vocabulary/);
});

test('text:FILE reads one sequence per line; bad files get one clear error', () => {
  const d = textFileDataset(file('names.txt', Array.from({ length: 30 }, (_, i) => `name${i}`).join('\r\n') + '\n\n'));
  assert.ok(isTextDataset(d));
  assert.deepEqual(d.shape, [16, d.codec.vocabSize]);
  assert.equal(d.train.length + d.heldOut.length, 30);
  const b = d.sample(4, new Rng(1));
  assert.equal(b.x.length, 4 * 16 * d.codec.vocabSize);
  assert.throws(() => textFileDataset(file('empty.txt', '\n  \n')), (e: Error) => e instanceof DataError && /has no sequences/.test(e.message));
  assert.throws(() => textFileDataset(file('bin.dat', new Uint8Array([0x41, 0, 0x42, 10]))), /looks binary/);
  const long = file('long.txt', 'short\nthis line is too long\n');
  assert.throws(() => textFileDataset(long), /line 2 has 21 characters, over the maximum 16; shorten it or raise the maximum with --data text:.*@21/);
  assert.equal(textFileDataset(`${long}@21`).shape[0], 21);
  assert.throws(() => textFileDataset(join(dir, 'missing.txt')), /cannot read text:.*ENOENT/);
  assert.throws(() => parseTextLines(Buffer.from([0xff, 0xfe, 0x41]), 'x.txt', 8), /not valid UTF-8/);
});

test('words: the bundled corpus, split by a hash of the word, the same on every load', () => {
  const d = loadDataset('words');
  assert.ok(isTextDataset(d));
  assert.deepEqual(d.shape, [8, 27]);
  const all = d.train.length + d.heldOut.length;
  assert.ok(all > 100_000, `${all} words`);
  assert.ok(Math.abs(d.heldOut.length / all - 0.1) < 0.01);
  const train = new Set(d.train);
  assert.ok(d.heldOut.every((w) => !train.has(w)));
  // The split depends on the word alone: reordering the corpus keeps it.
  const sample = d.train.slice(0, 50).concat(d.heldOut.slice(0, 50));
  assert.deepEqual(splitHeldOut([...sample].reverse()).heldOut.sort(), d.heldOut.slice(0, 50).sort());
});
