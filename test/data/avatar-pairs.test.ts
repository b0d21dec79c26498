import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, prepareDataset, DataError, isPaired } from '../../src/data/index.js';
import { avatarLineArtSvg } from '../../src/data/avatar-pairs.js';
import { avatarOptions, avatarSvg } from '../../src/data/avatars.js';
import { Rng } from '../../src/core/rng.js';

process.env.GANKIT_CACHE = join(mkdtempSync(join(tmpdir(), 'gankit-avatar-pairs-')), 'cache');

test('avatar line art keeps only the black outline shapes, everything else on white', () => {
  const o = avatarOptions(3);
  const colour = avatarSvg(o);
  const line = avatarLineArtSvg(o);
  const fills = (s: string) => [...s.matchAll(/fill="(#[0-9a-fA-F]+)"/g)].map((m) => m[1].toLowerCase());
  assert.ok(fills(colour).some((f) => f !== '#000' && f !== '#fff'), 'the avatar has colours');
  assert.deepEqual([...new Set(fills(line))].sort(), ['#000', '#fff']);
  assert.equal(fills(line).filter((f) => f === '#000').length, fills(colour).filter((f) => f === '#000').length, 'every outline shape kept');
});

test('avatar-lineart:N pairs grey line art with the coloured avatar, holds out the last tenth, mirrors both', async () => {
  const opts = { resolution: 16 };
  await prepareDataset('avatar-lineart:40', opts, { quiet: true });
  const d = loadDataset('avatar-lineart:40', opts);
  assert.ok(isPaired(d));
  assert.equal(d.name, 'avatar-lineart:40');
  assert.deepEqual([d.inputShape, d.shape], [[16, 16, 1], [16, 16, 3]]);
  assert.deepEqual([d.size, d.heldOut.size], [36, 4]);
  // The targets are the avatars set's own images, pair for pair.
  await prepareDataset('avatars:40', opts, { quiet: true });
  const colour = loadDataset('avatars:40', opts) as unknown as { pixels: Uint8Array };
  const held = d.pairsAt('heldOut', [0, 3]);
  for (const [k, i] of [[0, 36], [1, 39]]) {
    for (let p = 0; p < 768; p += 37) assert.ok(Math.abs(held.targets[k * 768 + p] - (colour.pixels[i * 768 + p] / 127.5 - 1)) < 1e-6);
  }
  // Line art: white paper (most pixels near 1), some lines darker than mid-grey (thin at 16 px), and no colour in it.
  const { inputs } = d.pairsAt('train', [0, 1, 2]);
  const white = inputs.filter((v) => v > 0.9).length / inputs.length;
  const dark = inputs.filter((v) => v < 0).length / inputs.length;
  assert.ok(white > 0.4 && dark > 0.01, `white ${white}, dark ${dark}`);
  // The avatars' backgrounds are never white: the input is not the target turned grey.
  const { targets } = d.pairsAt('train', [0]);
  assert.ok(targets[0] < 0.99 || targets[1] < 0.99 || targets[2] < 0.99);
  assert.deepEqual(d.samplePairs(8, new Rng(1)), d.samplePairs(8, new Rng(1)));
  await prepareDataset('avatar-lineart:40', { resolution: 16, mirror: true }, { quiet: true });
  assert.equal(loadDataset('avatar-lineart:40', { resolution: 16, mirror: true }).sample(2, new Rng(1)).x.length, 2 * 768);
});

test('avatar-lineart refuses the options that are for image folders', () => {
  assert.throws(() => loadDataset('avatar-lineart', { channels: 3 }), (e: Error) => e instanceof DataError && /avatar-lineart takes --resolution, --mirror and a count/.test(e.message));
  assert.throws(() => loadDataset('avatar-lineart:12', { resolution: 16 }), /line art \(12 at 16×16\) is not drawn yet/);
});
