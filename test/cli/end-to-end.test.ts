import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gankit } from './helpers.js';
import { readNpy } from '../../src/io/npy.js';
import { readPng } from '../../src/io/png.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-e2e-'));
const run = join(root, 'r8');

test('train → sample → eval on ring8 from the CLI covers at least 6 of 8 modes (seed 1)', () => {
  const t = gankit(['train', '--data', 'ring8', '--model', 'mlp', '--hidden', '128,128,128', '--batch', '128', '--steps', '2000', '--lr-g', '5e-4', '--lr-d', '5e-4', '--seed', '1', '--out', run]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, /backend: \w+/, 'the chosen backend is printed');
  assert.match(t.stdout, /report: .*report\.html/);
  for (const f of ['config.json', 'metrics.jsonl', 'report.html', 'eval.json']) assert.ok(existsSync(join(run, f)), f);
  assert.ok(readdirSync(join(run, 'samples')).length >= 5, 'sample plots over time');
  const plot = readPng(join(run, 'samples', 'step-002000.png'));
  assert.ok(plot.width >= 200 && plot.height >= 200);

  const s = gankit(['sample', '--run', run, '--n', '2500', '--out', join(root, 'r8.npy')]);
  assert.equal(s.code, 0, s.stderr);
  const arr = readNpy(join(root, 'r8.npy'));
  assert.deepEqual(arr.shape, [2500, 2]);
  assert.ok(arr.data.every(Number.isFinite));
  // points are in data coordinates: most lie near the unit circle
  let near = 0;
  for (let i = 0; i < 2500; i++) if (Math.abs(Math.hypot(arr.data[2 * i], arr.data[2 * i + 1]) - 1) < 0.2) near++;
  assert.ok(near / 2500 > 0.5, `share near the ring ${near / 2500}`);

  const e = gankit(['eval', '--run', run, '--json']);
  assert.equal(e.code, 0, e.stderr);
  const result = JSON.parse(e.stdout) as { modes_captured: number; high_quality_share: number; samples: number; reverse_kl: number };
  assert.equal(result.samples, 2500);
  assert.ok(result.modes_captured >= 6, `modes captured ${result.modes_captured}`);
  assert.ok(result.high_quality_share > 0.05, `high-quality share ${result.high_quality_share}`);
  const report = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(report, /<svg/);
  assert.match(report, /data:image\/png;base64/);
  assert.match(report, /modes_captured/);
});

test('sample refuses to overwrite a file, and --force allows it', () => {
  const again = gankit(['sample', '--run', run, '--n', '10', '--out', join(root, 'r8.npy')]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already exists/);
  assert.equal(readNpy(join(root, 'r8.npy')).shape[0], 2500, 'the file is untouched');
  const png = gankit(['sample', '--run', run, '--n', '500', '--out', join(root, 'r8.png')]);
  assert.equal(png.code, 0, png.stderr);
  assert.ok(readPng(join(root, 'r8.png')).width > 0);
});

test('training into an existing run folder is refused; --resume continues it', () => {
  const again = gankit(['train', '--data', 'ring8', '--model', 'mlp', '--steps', '10', '--out', run]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already exists.*--resume/);
  const resumed = gankit(['train', '--resume', run, '--steps', '2010', '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming .* at step 2000/);
  assert.ok(existsSync(join(run, 'checkpoints', 'step-002010')));
});
