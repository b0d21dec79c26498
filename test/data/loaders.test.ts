import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadBundledDigits, mnistDataset, idxDataset, encodeIdx, loadDataset, ring8, grid25, DataError, cifarDataset } from '../../src/data/index.js';
import { Rng } from '../../src/train/rng.js';

test('bundled MNIST: 10,000 real digits, about 1,000 per class, pixels in [0,1], interleaved classes', () => {
  const d = loadBundledDigits();
  assert.equal(d.count, d.labels.length);
  assert.ok(d.count >= 9900 && d.count <= 10100, `count ${d.count}`);
  const perClass = new Array(10).fill(0);
  for (const l of d.labels) perClass[l]++;
  for (const c of perClass) assert.ok(c > 800 && c < 1200, `class count ${c}`);
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.images) { min = Math.min(min, v); max = Math.max(max, v); }
  assert.equal(min, 0);
  assert.ok(max > 0.99 && max <= 1);
  assert.deepEqual(Array.from(d.labels.slice(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // A digit has ink: on average 10–25% of its pixels are bright.
  let ink = 0;
  for (let i = 0; i < 784 * 100; i++) if (d.images[i] > 0.5) ink++;
  assert.ok(ink / (784 * 100) > 0.08 && ink / (784 * 100) < 0.3);
});

test('mnist data set samples 28×28×1 images in [-1, 1] with labels, deterministically', () => {
  const ds = mnistDataset();
  assert.deepEqual(ds.shape, [28, 28, 1]);
  const a = ds.sample(8, new Rng(1));
  const b = ds.sample(8, new Rng(1));
  assert.deepEqual(a.x, b.x);
  assert.equal(a.x.length, 8 * 784);
  assert.ok(Math.min(...a.x) >= -1 && Math.max(...a.x) <= 1);
  assert.equal(a.labels?.length, 8);
});

test('ring8 and grid25 have the modes and spreads of the papers', () => {
  const r = ring8();
  assert.equal(r.modes.length, 8);
  assert.equal(r.std, 0.01);
  for (const [x, y] of r.modes) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-12);
  const g = grid25();
  assert.equal(g.modes.length, 25);
  assert.equal(g.std, 0.05);
  assert.deepEqual([...new Set(g.modes.map((m) => m[0]))].sort((a, b) => a - b), [-4, -2, 0, 2, 4]);
  const s = g.sample(2000, new Rng(2));
  let maxDist = 0;
  for (let i = 0; i < 2000; i++) {
    const [x, y] = [s.x[2 * i], s.x[2 * i + 1]];
    const d = Math.min(...g.modes.map(([mx, my]) => Math.hypot(x - mx, y - my)));
    maxDist = Math.max(maxDist, d);
  }
  assert.ok(maxDist < 0.05 * 5, `samples stay near their modes (${maxDist})`);
});

function idxFolder(gz: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-idx-'));
  const n = 5;
  const img = new Uint8Array(n * 4 * 6);
  for (let i = 0; i < img.length; i++) img[i] = (i * 7) % 256;
  const lab = Uint8Array.from([3, 1, 4, 1, 5]);
  const wrap = (b: Buffer) => (gz ? gzipSync(b) : b);
  writeFileSync(join(dir, `train-images-idx3-ubyte${gz ? '.gz' : ''}`), wrap(encodeIdx([n, 4, 6], img)));
  writeFileSync(join(dir, `train-labels-idx1-ubyte${gz ? '.gz' : ''}`), wrap(encodeIdx([n], lab)));
  return dir;
}

for (const gz of [false, true]) {
  test(`IDX loader reads a folder of MNIST-format files (${gz ? 'gzip' : 'raw'})`, () => {
    const ds = idxDataset(idxFolder(gz));
    assert.deepEqual(ds.shape, [4, 6, 1]);
    assert.equal(ds.size, 5);
    assert.deepEqual(Array.from(ds.labels ?? []), [3, 1, 4, 1, 5]);
    assert.equal(ds.numClasses, 6);
    assert.ok(Math.abs(ds.x[1] - ((7 / 255) * 2 - 1)) < 1e-6);
    const viaSpec = loadDataset(`idx:${idxFolder(gz)}`);
    assert.equal(viaSpec.size, 5);
  });
}

test('corrupt, truncated and missing IDX files give clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-bad-'));
  const bad = join(dir, 'train-images-idx3-ubyte');
  writeFileSync(bad, Buffer.from('hello world, not idx'));
  assert.throws(() => idxDataset(bad), (e: Error) => e instanceof DataError && /not an IDX file/.test(e.message));
  const trunc = join(dir, 'trunc-images-idx3-ubyte');
  writeFileSync(trunc, encodeIdx([10, 28, 28], new Uint8Array(10 * 28 * 28)).subarray(0, 500));
  assert.throws(() => idxDataset(trunc), (e: Error) => e instanceof DataError && /truncated/.test(e.message));
  const gzBad = join(dir, 'x.gz');
  writeFileSync(gzBad, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  assert.throws(() => idxDataset(gzBad), (e: Error) => e instanceof DataError && /gzip|decompress/.test(e.message));
  assert.throws(() => idxDataset(join(dir, 'nope')), (e: Error) => e instanceof DataError && /no such file/.test(e.message));
  assert.throws(() => loadDataset('idx:' + join(dir, 'empty-folder-that-does-not-exist')), DataError);
});

test('CIFAR binary loader reads records and rejects wrong sizes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-cifar-'));
  const rec = new Uint8Array(2 * 3073);
  rec[0] = 7;
  rec[1] = 255; // red of pixel 0
  rec[3073] = 2;
  writeFileSync(join(dir, 'data_batch_1.bin'), rec);
  const ds = cifarDataset(dir);
  assert.deepEqual(ds.shape, [32, 32, 3]);
  assert.deepEqual(Array.from(ds.labels ?? []), [7, 2]);
  assert.equal(ds.x[0], 1);
  assert.equal(ds.x[1], -1);
  writeFileSync(join(dir, 'data_batch_2.bin'), rec.subarray(0, 100));
  assert.throws(() => cifarDataset(dir), (e: Error) => e instanceof DataError && /not a multiple/.test(e.message));
});

test('unknown data names list the choices', () => {
  assert.throws(() => loadDataset('imagenet'), (e: Error) => e instanceof DataError && /unknown data 'imagenet'.*ring8.*mnist/.test(e.message));
});
