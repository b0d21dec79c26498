import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx, idxDataset } from '../../src/data/idx.js';
import { solveAssignment, wassersteinExact } from '../../src/metrics/wasserstein.js';
import { makeDirs, removeStaleTemps, writeFileAtomic } from '../../src/io/atomic.js';
import { decodeNpy, encodeNpy } from '../../src/io/npy.js';
import { lineChartSvg } from '../../src/io/report.js';

test('an IDX file of 300,000 images with labels loads (no Math.max(...labels) stack overflow)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gankit-idx-big-'));
  const n = 300_000;
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx([n, 1, 1], new Uint8Array(n)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([n], labels));
  const d = idxDataset(dir);
  assert.equal(d.size, n);
  assert.equal(d.numClasses, 10);
});

test('exact Wasserstein: a NaN or Inf point is an error, never an endless loop', () => {
  const ok = Float64Array.from([0, 0, 1, 1, 2, 2]);
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => wassersteinExact(Float64Array.from([0, 0, bad, 1, 2, 2]), ok, 2), /finite/);
  }
  // The assignment solver itself stops on a non-finite cost.
  assert.throws(() => solveAssignment(Float64Array.from([0, 1, 2, NaN, NaN, NaN, 1, 0, 2]), 3), /NaN or infinite/);
  assert.throws(() => solveAssignment(Float64Array.from([Infinity, Infinity, Infinity, Infinity]), 2), /NaN or infinite/);
});

test('makeDirs fails at once on a path that cannot be made (Node recursive mkdir spins on /proc)', { skip: !existsSync('/proc/self') && 'no /proc' }, () => {
  assert.throws(() => makeDirs('/proc/gankit-no/such/dir'), /cannot create folder \/proc\/gankit-no/);
  const root = mkdtempSync(join(tmpdir(), 'gankit-dirs-'));
  writeFileSync(join(root, 'f'), 'x');
  assert.throws(() => makeDirs(join(root, 'f', 'a', 'b')), /is a file, not a folder/);
  makeDirs(join(root, 'a', 'b', 'c'));
  assert.ok(existsSync(join(root, 'a', 'b', 'c')));
});

test('a failed atomic write leaves no temp file; stale temps of dead writers are removed', () => {
  const root = mkdtempSync(join(tmpdir(), 'gankit-atomic-'));
  mkdirSync(join(root, 'taken.npy'));
  assert.throws(() => writeFileAtomic(join(root, 'taken.npy'), 'x'), /cannot write .*taken\.npy: it is a folder/);
  assert.deepEqual(readdirSync(root), ['taken.npy']);
  // A dead writer's file and folder, a live writer's (this process), and a user's dotfile.
  const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
  writeFileSync(join(root, `.s.npy.${dead}.0.tmp`), 'x');
  mkdirSync(join(root, `.step-000040.${dead}.3.tmp`));
  writeFileSync(join(root, `.step-000040.${dead}.3.tmp`, 'weights.bin'), 'x');
  writeFileSync(join(root, `.mine.${process.pid}.0.tmp`), 'x');
  writeFileSync(join(root, '.keep.tmp'), 'x');
  assert.deepEqual(removeStaleTemps(root, '.s.npy.'), [`.s.npy.${dead}.0.tmp`]);
  assert.deepEqual(removeStaleTemps(root), [`.step-000040.${dead}.3.tmp`]);
  assert.deepEqual(readdirSync(root).sort(), ['.keep.tmp', `.mine.${process.pid}.0.tmp`, 'taken.npy'].sort());
});

test('.npy headers with negative or NaN dims are refused; good ones still decode', () => {
  const good = encodeNpy({ shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
  assert.deepEqual(decodeNpy(good).shape, [2, 2]);
  for (const shape of ['(-1, 2)', '(nan, 2)', '(1.5, 2)', '(2, inf)']) {
    const bad = Buffer.from(Buffer.from(good).toString('latin1').replace("'shape': (2, 2)", `'shape': ${shape}`.padEnd("'shape': (2, 2)".length + 2)), 'latin1');
    assert.throws(() => decodeNpy(bad, 'x.npy'), /non-negative whole numbers/, shape);
  }
});

test('the report chart takes 300,000 points (no Math.min(...xs) stack overflow)', () => {
  const points: [number, number][] = Array.from({ length: 300_000 }, (_, i) => [i, Math.sin(i)]);
  assert.match(lineChartSvg('loss', [{ name: 'd', points }]), /<path/);
});
