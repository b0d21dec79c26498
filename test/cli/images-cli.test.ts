import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gankit } from './helpers.js';
import { readPng } from '../../src/io/png.js';
import { avatarOptions, avatarTags } from '../../src/data/index.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-images-cli-'));
const env = { GANKIT_CACHE: join(root, 'cache') };
const folder = join(root, 'avatars');
const run = join(root, 'run');

const listing = (d: string) => readdirSync(d).map((f) => `${f}:${statSync(join(d, f)).mtimeMs}`).sort();

test('gankit data avatars writes PNGs and a tags file, deterministically', () => {
  const r = gankit(['data', 'avatars', '--n', '8', '--resolution', '32', '--out', folder, '--quiet'], { env });
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(folder).sort();
  assert.equal(files.length, 9);
  assert.equal(files[8], 'tags.csv');
  const png = readPng(join(folder, 'avatar-000003.png'));
  assert.deepEqual([png.width, png.height], [32, 32]);
  const rows = readFileSync(join(folder, 'tags.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'file,tags');
  assert.equal(rows[4], `avatar-000003.png,"${avatarTags(avatarOptions(3)).join(', ')}"`);
  assert.match(rows[4], /(red|orange|blonde|brown|black|grey|green|blue|pink|purple) hair/);
  const again = gankit(['data', 'avatars', '--n', '8', '--out', folder], { env });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /is not empty/);
});

test('train on images:DIR with tags, then sample one file per image and interpolate', () => {
  const before = listing(folder);
  const t = gankit(['train', '--data', `images:${folder}`, '--labels', join(folder, 'tags.csv'), '--resolution', '16', '--mirror',
    '--steps', '2', '--batch', '4', '--out', run, '--quiet'], { env });
  assert.equal(t.code, 0, t.stderr);
  const cfg = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { dataOptions: { resolution: number; mirror: boolean; labels: string } };
  assert.equal(cfg.dataOptions.resolution, 16);
  assert.equal(cfg.dataOptions.mirror, true);
  assert.equal(cfg.dataOptions.labels, join(folder, 'tags.csv'));
  assert.deepEqual(listing(folder), before, 'nothing written into the image folder');
  assert.ok(readdirSync(join(root, 'cache', 'images')).some((f) => f.endsWith('.u8')), 'decoded into the cache');

  const out = join(root, 'samples') + '/';
  const s = gankit(['sample', '--run', run, '--n', '5', '--out', out, '--format', 'jpg', '--truncation', '0.7'], { env });
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['000000.jpg', '000001.jpg', '000002.jpg', '000003.jpg', '000004.jpg']);
  assert.deepEqual([...readFileSync(join(out, '000000.jpg')).subarray(0, 2)], [0xff, 0xd8], 'JPEG files');
  const refused = gankit(['sample', '--run', run, '--n', '5', '--out', out], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /is not empty; choose a new --out folder/);

  const strip = join(root, 'walk.png');
  const i = gankit(['interpolate', '--run', run, '--out', strip, '--rows', '2', '--steps', '3'], { env });
  assert.equal(i.code, 0, i.stderr);
  const img = readPng(strip);
  // 2 rows of 4 images of 16×16 shown at 2× with 2-pixel gutters.
  assert.deepEqual([img.width, img.height], [4 * 34 + 2, 2 * 34 + 2]);
  const gif = join(root, 'walk.gif');
  const g = gankit(['interpolate', '--run', run, '--out', gif, '--rows', '2', '--steps', '2', '--seeds', '1,2,3'], { env });
  assert.equal(g.code, 0, g.stderr);
  assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
  assert.match(g.stdout, /6-frame loop of 4 walkers/);
});

test('bad image data: one line, exit 1', () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'x.txt'), 'no images');
  const r = gankit(['train', '--data', `images:${empty}`, '--steps', '1', '--out', join(root, 'never')], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no image files/);
  assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('gankit:')).length, 1);
  const c = gankit(['train', '--data', `images:${folder}`, '--crop', 'zoom'], { env });
  assert.equal(c.code, 2);
  assert.match(c.stderr, /unknown crop 'zoom'; choose one of: center, pad, stretch/);
});
