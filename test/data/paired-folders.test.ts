import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadDataset, prepareDataset, DataError, isPaired, type PairedDataset } from '../../src/data/index.js';
import { Rng } from '../../src/core/rng.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-pairs-'));
process.env.GANKIT_CACHE = join(root, 'cache');

/** An opaque PNG whose pixels come from f(x, y) → [r, g, b]. */
function png(path: string, w: number, h: number, f: (x: number, y: number) => number[]): void {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set([...f(x, y), 255], (y * w + x) * 4);
  writeFileSync(path, PNG.sync.write(p));
}

function snapshot(d: string): string[] {
  return readdirSync(d, { recursive: true }).map((f) => `${String(f)}:${statSync(join(d, String(f))).mtimeMs}`).sort();
}

const paired = (spec: string, opts: object): PairedDataset => {
  const d = loadDataset(spec, opts);
  assert.ok(isPaired(d), `${spec} is a paired set`);
  return d;
};

/** Model-space value of byte v. */
const m = (v: number) => Math.fround(v / 127.5 - 1);

// Folder A: grey images whose level names the pair; folder B: colour images with the same level in red.
const A = join(root, 'edges');
const B = join(root, 'photos');
mkdirSync(join(A, 'sub'), { recursive: true });
mkdirSync(join(B, 'sub'), { recursive: true });
const levels: Record<string, number> = { a: 40, b: 80, 'sub/c': 120, onlyA: 200 };
for (const [name, v] of Object.entries(levels)) png(join(A, `${name}.png`), 12, 12, () => [v, v, v]);
for (const [name, v] of Object.entries({ a: 40, b: 80, 'sub/c': 120, onlyB: 220 })) png(join(B, `${name}.png`), 20, 20, () => [v, 255 - v, 0]);

test('pairs:DIR_A,DIR_B: pairs by name, one line for the unmatched, aligned batches, B at A\'s side, folders untouched', async () => {
  const before = [snapshot(A), snapshot(B)];
  const lines: string[] = [];
  const spec = `pairs:${A},${B}`;
  await prepareDataset(spec, {}, { quiet: false, log: (l) => lines.push(l) });
  const unmatched = lines.filter((l) => l.includes('no partner'));
  assert.equal(unmatched.length, 1, lines.join('\n'));
  assert.match(unmatched[0], /1 in .*edges have no partner in .*photos \(onlyA\); 1 in .*photos have no partner in .*edges \(onlyB\); training on the 3 pairs that match/);
  const d = paired(spec, {});
  // A's images are 12 px: the default side is 32, and B is decoded at A's side.
  assert.deepEqual(d.inputShape, [32, 32, 1]);
  assert.deepEqual(d.shape, [32, 32, 3]);
  assert.equal(d.size, 3);
  assert.equal(d.heldOut.size, 0);
  const { inputs, targets } = d.samplePairs(16, new Rng(2));
  const seen = new Set<number>();
  for (let i = 0; i < 16; i++) {
    const grey = inputs[i * 1024 + 500];
    const red = targets[i * 3072 + 1500];
    assert.ok(Math.abs(grey - red) < 1e-6, `pair ${i}: input ${grey} with target ${red}`);
    seen.add(Math.round((grey + 1) * 127.5));
  }
  assert.deepEqual([...seen].sort((x, y) => x - y), [40, 80, 120], 'only the three matched pairs are drawn');
  // In name order a, b, sub/c.
  const first = d.pairsAt('train', [0, 2]);
  assert.ok(Math.abs(first.inputs[0] - m(40)) < 1e-6 && Math.abs(first.inputs[1024] - m(120)) < 1e-6);
  assert.deepEqual(snapshot(A), before[0], 'nothing written into DIR_A');
  assert.deepEqual(snapshot(B), before[1], 'nothing written into DIR_B');
  // The plain-data view draws targets.
  assert.equal(d.sample(4, new Rng(1)).x.length, 4 * 3072);
});

test('pairs:DIR_A,DIR_B: a.png pairs with a.jpg; --resolution and --channels apply to both sides', async () => {
  const a = join(root, 'ext-a');
  const b = join(root, 'ext-b');
  mkdirSync(a);
  mkdirSync(b);
  png(join(a, 'x.png'), 16, 16, () => [10, 10, 10]);
  const { default: jpeg } = await import('jpeg-js');
  const data = Buffer.alloc(16 * 16 * 4);
  for (let i = 0; i < 256; i++) data.set([200, 200, 200, 255], i * 4);
  writeFileSync(join(b, 'x.jpg'), jpeg.encode({ data, width: 16, height: 16 }, 95).data);
  const opts = { resolution: 8, channels: 3 as const };
  await prepareDataset(`pairs:${a},${b}`, opts, { quiet: true });
  const d = paired(`pairs:${a},${b}`, opts);
  assert.deepEqual([d.inputShape, d.shape], [[8, 8, 3], [8, 8, 3]]);
  assert.equal(d.size, 1);
});

for (const decoder of ['sharp', 'js'] as const) {
  test(`pairs:DIR side by side (${decoder}): left half → input, right half → target, no bleed across the seam, a square image skipped`, async () => {
    if (decoder === 'js') process.env.GANKIT_DECODER = 'js';
    else delete process.env.GANKIT_DECODER;
    process.env.GANKIT_CACHE = join(root, `cache-${decoder}`);
    const dir = join(root, `side-${decoder}`);
    mkdirSync(dir);
    for (const [name, v] of [['p1', 30], ['p2', 90], ['p3', 150]] as const) png(join(dir, `${name}.png`), 64, 32, (x) => (x < 32 ? [v, v, v] : [0, 0, v + 100]));
    png(join(dir, 'square.png'), 16, 16, () => [0, 0, 0]);
    const before = snapshot(dir);
    const lines: string[] = [];
    await prepareDataset(`pairs:${dir}`, { resolution: 16 }, { quiet: false, log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /skipped 1 of 4 files.*square\.png \(16×16 is not two images side by side\)/.test(l)), lines.join('\n'));
    const d = paired(`pairs:${dir}`, { resolution: 16 });
    assert.deepEqual([d.inputShape, d.shape, d.size], [[16, 16, 1], [16, 16, 3], 3]);
    // Each 32×32 half is shrunk to 16×16: a Lanczos kernel on the whole image would reach across the seam.
    const { inputs, targets } = d.pairsAt('train', [0, 1, 2]);
    [30, 90, 150].forEach((v, i) => {
      // Every pixel of each side is its own half's colour: the resize never reached across the seam.
      for (let p = 0; p < 256; p++) assert.equal(inputs[i * 256 + p], m(v), `input ${i} pixel ${p}`);
      for (let p = 0; p < 256; p++) assert.deepEqual(Array.from(targets.subarray((i * 256 + p) * 3, (i * 256 + p) * 3 + 3)), [m(0), m(0), m(v + 100)]);
    });
    assert.deepEqual(snapshot(dir), before, 'nothing written into the folder');
    await assert.rejects(
      async () => {
        await prepareDataset(`pairs:${dir}`, { resolution: 16, strict: true }, { quiet: true });
      },
      /skipped 1 of 4 files.*not two images side by side.*drop --strict/,
    );
  });
}

test('pairs: --mirror flips input and target of a pair together', async () => {
  delete process.env.GANKIT_DECODER;
  process.env.GANKIT_CACHE = join(root, 'cache');
  const dir = join(root, 'ramps');
  mkdirSync(dir);
  // Left: a left-to-right ramp; right: the same ramp in green.
  png(join(dir, 'r.png'), 32, 16, (x) => (x < 16 ? [x * 16, x * 16, x * 16] : [0, (x - 16) * 16, 0]));
  const opts = { resolution: 16, mirror: true };
  await prepareDataset(`pairs:${dir}`, opts, { quiet: true });
  const d = paired(`pairs:${dir}`, opts);
  const { inputs, targets } = d.samplePairs(32, new Rng(4));
  let flipped = 0;
  for (let i = 0; i < 32; i++) {
    const inUp = inputs[i * 256 + 8 * 16 + 15] > inputs[i * 256 + 8 * 16];
    const outUp = targets[(i * 256 + 8 * 16 + 15) * 3 + 1] > targets[(i * 256 + 8 * 16) * 3 + 1];
    assert.equal(inUp, outUp, `pair ${i}: input and target mirrored together`);
    if (!inUp) flipped++;
  }
  assert.ok(flipped > 0 && flipped < 32, `${flipped} of 32 flipped`);
  assert.deepEqual(d.samplePairs(32, new Rng(4)).inputs, inputs, 'same rng, same batch');
});

test('pairs: bad input is one clear line each', async () => {
  const fails = async (spec: string, opts: object, re: RegExp) =>
    assert.rejects(
      async () => {
        await prepareDataset(spec, opts, { quiet: true });
        loadDataset(spec, opts);
      },
      (e: Error) => e instanceof DataError && re.test(e.message) && !e.message.includes('\n'),
    );
  const other = join(root, 'other');
  mkdirSync(other);
  png(join(other, 'zzz.png'), 12, 12, () => [0, 0, 0]);
  await fails(`pairs:${A},${other}`, {}, /no image name is in both .*edges \(e\.g\. a\.png\) and .*other \(e\.g\. zzz\.png\)/);
  await fails(`pairs:${A},${join(root, 'nope')}`, {}, /no such folder: .*nope/);
  await fails(`pairs:${A},${B},${other}`, {}, /takes two folders .*pairs:DIR_A,DIR_B.*or one folder/);
  await fails(`pairs:${A},`, {}, /takes two folders/);
  await fails(`pairs:${A},${A}`, {}, /names the same folder twice; for side-by-side A\|B images give it once/);
  await fails(`pairs:${A},${B}`, { labels: join(root, 't.csv') }, /--labels is for images:DIR/);
  const dup = join(root, 'dup');
  mkdirSync(dup);
  png(join(dup, 'a.png'), 12, 12, () => [0, 0, 0]);
  png(join(dup, 'a.webp.png'), 12, 12, () => [0, 0, 0]);
  writeFileSync(join(dup, 'a.jpg'), Buffer.from('broken'));
  png(join(dup, 'b.png'), 12, 12, () => [0, 0, 0]);
  // a.jpg does not decode, so only a.png carries the name a: no clash.
  await prepareDataset(`pairs:${dup},${B}`, {}, { quiet: true });
  const dup2 = join(root, 'dup2');
  mkdirSync(dup2);
  png(join(dup2, 'a.png'), 12, 12, () => [0, 0, 0]);
  png(join(dup2, 'a.gif'), 12, 12, () => [0, 0, 0]);
  await fails(`pairs:${dup2},${B}`, {}, /has two images named a \(a\.gif and a\.png\)/);
  const squares = join(root, 'squares');
  mkdirSync(squares);
  png(join(squares, 's.png'), 16, 16, () => [0, 0, 0]);
  await fails(`pairs:${squares}`, {}, /has 1 image file but none could be read \(s\.png: 16×16 is not two images side by side\)/);
});
