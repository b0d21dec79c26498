import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { initBackend } from '../../src/backend/index.js';
import { loadDataset, prepareDataset } from '../../src/data/index.js';
import { resolveConfig } from '../../src/train/config.js';
import { iterationContext } from '../../src/train/trainer.js';
import { buildPix2Pix } from '../../src/gans/pix2pix.js';
import { buildSrgan } from '../../src/gans/srgan.js';
import { Rng } from '../../src/core/rng.js';
import { readPng } from '../../src/io/png.js';
import { gankit } from '../cli/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-tools-data-'));
process.env.GANKIT_CACHE = join(root, 'cache');

/** A folder of side-by-side pairs: a grey square on the left, the same square in red on the right. */
function sideBySide(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const p = new PNG({ width: 32, height: 16 });
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 32; x++) {
        const inside = Math.abs((x % 16) - 4 - i) < 3 && Math.abs(y - 8) < 3;
        p.data.set(x < 16 ? (inside ? [255, 255, 255, 255] : [0, 0, 0, 255]) : inside ? [220, 30, 30, 255] : [0, 0, 0, 255], (y * 32 + x) * 4);
      }
    writeFileSync(join(dir, `pair${i}.png`), PNG.sync.write(p));
  }
}

test('pix2pix trains on pairs:DIR (no held-out pairs: grids from training pairs) and on avatar-lineart, no tensor leaks', async () => {
  await initBackend('cpu');
  const dir = join(root, 'side');
  sideBySide(dir, 6);
  for (const [spec, options] of [[`pairs:${dir}`, { resolution: 16 }], ['avatar-lineart:20', { resolution: 16 }]] as const) {
    await prepareDataset(spec, options, { quiet: true });
    const data = loadDataset(spec, options);
    const config = resolveConfig({ variant: 'pix2pix', data: spec, dataOptions: options, batchSize: 2, seed: 1, options: { filters: 4 } }, 'images');
    const gan = buildPix2Pix(config, data);
    assert.deepEqual(gan.dataShape, [16, 16, 3]);
    assert.deepEqual(gan.inputShape, [16, 16, 1]);
    const logs = gan.trainIteration(iterationContext(config, data, 0));
    assert.ok(Number.isFinite(logs.l1_loss) && Number.isFinite(logs.d_loss), JSON.stringify(logs));
    const before = tf.memory().numTensors;
    for (let s = 1; s < 3; s++) gan.trainIteration(iterationContext(config, data, s));
    assert.equal(tf.memory().numTensors, before, `${spec}: tensors flat over steps`);
    const grid = gan.sampleGrid(9, new Rng(1));
    assert.deepEqual(grid.shape, [9, 16, 16, 3]);
    grid.dispose();
    gan.dispose();
  }
});

test('srgan takes the avatars as they are: avatars:N at 16 with scale 4 upscales 4×4 → 16×16 colour', async () => {
  await initBackend('cpu');
  const options = { resolution: 16 };
  await prepareDataset('avatars:20', options, { quiet: true });
  const data = loadDataset('avatars:20', options);
  const config = resolveConfig({ variant: 'srgan', data: 'avatars:20', dataOptions: options, batchSize: 2, seed: 1, options: { filters: 4, blocks: 1, scale: 4 } }, 'images');
  const gan = buildSrgan(config, data);
  assert.deepEqual(gan.inputShape, [4, 4, 3]);
  const logs = gan.trainIteration(iterationContext(config, data, 0));
  assert.ok(Number.isFinite(logs.content_loss));
  const up = gan.upscale(tf.zeros([1, 4, 4, 3]));
  assert.deepEqual(up.shape, [1, 16, 16, 3]);
  up.dispose();
  gan.dispose();
});

test('gankit train --variant pix2pix --data pairs:DIR --resolution 16, then translate a PNG of the input side', () => {
  const dir = join(root, 'cli-side');
  sideBySide(dir, 4);
  const run = join(root, 'run');
  const env = { GANKIT_CACHE: join(root, 'cache-cli') };
  const t = gankit(['train', '--variant', 'pix2pix', '--data', `pairs:${dir}`, '--resolution', '16', '--steps', '2', '--batch', '2', '--option', 'filters=4', '--out', run, '--quiet'], { env });
  assert.equal(t.code, 0, t.stderr);
  const left = new PNG({ width: 16, height: 16 });
  left.data.fill(255);
  const input = join(root, 'left.png');
  writeFileSync(input, PNG.sync.write(left));
  const out = join(root, 'coloured.png');
  const r = gankit(['translate', '--run', run, '--in', input, '--out', out], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(out));
  const img = readPng(out);
  assert.deepEqual([img.width, img.height], [16, 16]);
  const none = gankit(['train', '--variant', 'pix2pix', '--data', `pairs:${dir},${join(root, 'nope')}`, '--steps', '1', '--out', join(root, 'r2')], { env });
  assert.notEqual(none.code, 0);
  assert.equal(none.stderr.trim().split('\n').filter((l) => !/^(backend|note):/.test(l)).length, 1, none.stderr);
  assert.match(none.stderr, /no such folder/);
});
