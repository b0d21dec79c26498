import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { loadDataset, prepareDataset, DataError, listImageFiles } from '../../src/data/index.js';
import { defaultResolution } from '../../src/data/images.js';
import { readTagFile, csvFields } from '../../src/data/image-labels.js';
import { resizeLanczos } from '../../src/data/lanczos.js';
import { Rng } from '../../src/train/rng.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-images-'));
process.env.GANKIT_CACHE = join(root, 'cache');
const quiet = { quiet: true, log: () => {} };

/** RGBA PNG whose pixels come from f(x, y) → [r, g, b, a]. */
function png(path: string, w: number, h: number, f: (x: number, y: number) => number[], colorType: 0 | 2 | 6 = 6): void {
  const p = new PNG({ width: w, height: h, colorType, inputColorType: 6, inputHasAlpha: true } as ConstructorParameters<typeof PNG>[0]);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set(f(x, y), (y * w + x) * 4);
  writeFileSync(path, PNG.sync.write(p, { colorType, inputColorType: 6, inputHasAlpha: true } as Parameters<typeof PNG.sync.write>[1]));
}

function jpg(path: string, w: number, h: number, rgb: number[]): void {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4);
  writeFileSync(path, jpeg.encode({ data, width: w, height: h }, 95).data);
}

/**
 * The folder the issue names: mixed sizes, a JPEG, a PNG with alpha, a greyscale image, a
 * corrupt file, a sub-folder per class, a tags CSV (kept outside the folder here, as a user may).
 */
function makeFolder(): { dir: string; labels: string } {
  const dir = join(root, 'pics');
  mkdirSync(join(dir, 'cats'), { recursive: true });
  mkdirSync(join(dir, 'dogs'), { recursive: true });
  png(join(dir, 'cats', 'red.png'), 80, 60, () => [255, 0, 0, 255]);
  png(join(dir, 'cats', 'clear.png'), 40, 40, (x) => (x < 20 ? [0, 0, 255, 0] : [0, 0, 255, 255]));
  jpg(join(dir, 'dogs', 'green.jpg'), 50, 70, [0, 200, 0]);
  png(join(dir, 'dogs', 'grey.png'), 64, 64, (x) => [x * 4, x * 4, x * 4, 255], 0);
  writeFileSync(join(dir, 'dogs', 'broken.png'), Buffer.from('not a png at all'));
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  const labels = join(root, 'tags.csv');
  writeFileSync(labels, 'file,tags\ncats/red.png,"red, bright"\nclear.png,blue;half\ngreen.jpg,green\nbroken.png,whatever\n');
  return { dir, labels };
}

const { dir, labels } = makeFolder();

function snapshot(d: string): string[] {
  return readdirSync(d, { recursive: true }).map((f) => `${String(f)}:${statSync(join(d, String(f))).mtimeMs}`).sort();
}

for (const decoder of ['sharp', 'js'] as const) {
  test(`images:DIR (${decoder}): classes, tags, alpha on the background, channels, corrupt file skipped`, async () => {
    if (decoder === 'js') process.env.GANKIT_DECODER = 'js';
    else delete process.env.GANKIT_DECODER;
    // A cache per decoder, so each decodes the folder itself.
    process.env.GANKIT_CACHE = join(root, `cache-${decoder}`);
    const before = snapshot(dir);
    const opts = { resolution: 16, channels: 3 as const, labels, background: '#ffffff' };
    const lines: string[] = [];
    await prepareDataset(`images:${dir}`, opts, { quiet: false, log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /skipped 1 of 5 files.*broken\.png/.test(l)), lines.join('\n'));
    const ds = loadDataset(`images:${dir}`, opts);
    assert.deepEqual(ds.shape, [16, 16, 3]);
    assert.equal(ds.size, 4);
    assert.deepEqual(ds.classNames, ['cats', 'dogs']);
    assert.deepEqual(ds.tagNames, ['blue', 'bright', 'green', 'half', 'red']);
    const bytes = (ds as unknown as { pixels: Uint8Array }).pixels;
    const px = (i: number, x: number, y: number) => Array.from(bytes.subarray((i * 256 + y * 16 + x) * 3, (i * 256 + y * 16 + x) * 3 + 3));
    // Sorted files: cats/clear.png, cats/red.png, dogs/green.jpg, dogs/grey.png.
    assert.deepEqual(px(0, 1, 8), [255, 255, 255], 'transparent half composited on white');
    assert.deepEqual(px(0, 14, 8), [0, 0, 255]);
    assert.deepEqual(px(1, 8, 8), [255, 0, 0]);
    const g = px(2, 8, 8);
    assert.ok(g[0] < 20 && g[1] > 180 && g[2] < 20, `jpeg green ${g}`);
    const grey = px(3, 8, 8);
    assert.ok(grey[0] === grey[1] && grey[1] === grey[2], 'grey repeated over RGB');
    const b = ds.sample(64, new Rng(3));
    assert.equal(b.x.length, 64 * 16 * 16 * 3);
    assert.ok(Math.min(...b.x) >= -1 && Math.max(...b.x) <= 1);
    assert.equal(b.labels?.length, 64);
    assert.equal(b.tags?.length, 64 * 5);
    // A red image's row has red and bright, nothing else; a grey one has no tags.
    for (let i = 0; i < 64; i++) {
      const row = Array.from(b.tags!.subarray(i * 5, i * 5 + 5));
      const first = b.x[i * 768 + (8 * 16 + 8) * 3];
      const isRed = first > 0.99 && b.x[i * 768 + (8 * 16 + 8) * 3 + 1] < -0.99;
      if (isRed) assert.deepEqual(row, [0, 1, 0, 0, 1]);
    }
    assert.deepEqual(snapshot(dir), before, 'nothing written into the user folder');
  });
}

test('images:DIR: the cache makes a second prepare read no image; --mirror flips from the batch rng', async () => {
  delete process.env.GANKIT_DECODER;
  process.env.GANKIT_CACHE = join(root, 'cache');
  const opts = { resolution: 8, channels: 1 as const, mirror: true };
  await prepareDataset(`images:${dir}`, opts, quiet);
  const lines: string[] = [];
  await prepareDataset(`images:${dir}`, opts, { quiet: false, log: (l) => lines.push(l) });
  assert.equal(lines.length, 0, 'a cache hit decodes nothing and warns nothing');
  const ds = loadDataset(`images:${dir}`, opts);
  assert.deepEqual(ds.shape, [8, 8, 1]);
  const a = ds.sample(32, new Rng(5));
  assert.deepEqual(a.x, ds.sample(32, new Rng(5)).x, 'same rng, same batch');
  // grey.png is a left-to-right ramp: mirrored copies run right to left.
  let up = 0;
  let down = 0;
  for (let i = 0; i < 32; i++) {
    const row = a.x.subarray(i * 64 + 4 * 8, i * 64 + 5 * 8);
    if (row[7] - row[0] > 0.5) up++;
    if (row[0] - row[7] > 0.5) down++;
  }
  assert.ok(up > 0 && down > 0, `ramps up ${up}, down ${down}`);
});

test('images:DIR: default resolution from the images, and pad keeps the whole picture', async () => {
  assert.equal(defaultResolution([20, 28]), 32);
  assert.equal(defaultResolution([40, 50, 60]), 64);
  assert.equal(defaultResolution([300, 400]), 64);
  const wide = join(root, 'wide');
  mkdirSync(wide);
  png(join(wide, 'bar.png'), 64, 16, () => [0, 0, 0, 255]);
  png(join(wide, 'bar2.png'), 64, 16, () => [0, 0, 0, 255]);
  const opts = { crop: 'pad' as const };
  await prepareDataset(`images:${wide}`, opts, quiet);
  const ds = loadDataset(`images:${wide}`, opts);
  assert.deepEqual(ds.shape, [32, 32, 1]);
  const px = (ds as unknown as { pixels: Uint8Array }).pixels;
  assert.equal(px[2 * 32 + 16], 255, 'padding is the background');
  assert.equal(px[16 * 32 + 16], 0, 'the bar is kept');
});

test('images:DIR bad input: one clear line each', async () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'readme.md'), 'no images');
  const fails = async (spec: string, opts: object, re: RegExp) =>
    assert.rejects(async () => {
      await prepareDataset(spec, opts, quiet);
      loadDataset(spec, opts);
    }, (e: Error) => e instanceof DataError && re.test(e.message) && !e.message.includes('\n'));
  await fails(`images:${join(root, 'nope')}`, {}, /no such folder/);
  await fails(`images:${empty}`, {}, /has no image files/);
  const bad = join(root, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'a.png'), 'xx');
  writeFileSync(join(bad, 'b.jpg'), 'yy');
  await fails(`images:${bad}`, {}, /2 image files but none could be read/);
  await fails(`images:${dir}`, { resolution: 8 }, /mixes 1 greyscale image \(e\.g\. dogs\/grey\.png\).*--channels/);
  await fails(`images:${dir}`, { resolution: 8, channels: 3, strict: true }, /skipped 1 of 5.*drop --strict/);
  const typo = join(root, 'typo.csv');
  writeFileSync(typo, 'cats/red.png,red\nmissing-cat.png,red\n');
  await fails(`images:${dir}`, { resolution: 8, channels: 3, labels: typo }, /names 1 file not in .*missing-cat\.png/);
  await fails(`images:${dir}`, { resolution: 8, channels: 3, labels: join(root, 'none.csv') }, /labels file not found/);
  await fails(`images:${dir}`, { crop: 'zoom' }, /invalid dataOptions\.crop/);
  assert.throws(() => loadDataset('mnist', { mirror: true }), /takes no data options/);
});

test('tags files: CSV quoting and separators, JSON object and list', () => {
  assert.deepEqual(csvFields('a.png,"red hair, glasses",x'), ['a.png', 'red hair, glasses', 'x']);
  const j1 = join(root, 't1.json');
  writeFileSync(j1, JSON.stringify({ 'a.png': ['red hair', 'glasses'], 'b.png': 'short hair, blue eyes' }));
  assert.deepEqual([...readTagFile(j1)], [['a.png', ['red hair', 'glasses']], ['b.png', ['short hair', 'blue eyes']]]);
  const j2 = join(root, 't2.json');
  writeFileSync(j2, JSON.stringify([{ file: 'a.png', tags: ['x'] }]));
  assert.deepEqual([...readTagFile(j2)], [['a.png', ['x']]]);
  const c = join(root, 't.csv');
  writeFileSync(c, 'a.png,red|blue\nb.png,one,two\n');
  assert.deepEqual([...readTagFile(c)], [['a.png', ['red', 'blue']], ['b.png', ['one', 'two']]]);
  assert.deepEqual(listImageFiles(dir), ['cats/clear.png', 'cats/red.png', 'dogs/broken.png', 'dogs/green.jpg', 'dogs/grey.png']);
});

test('Lanczos-3 keeps a constant image constant and averages when shrinking', () => {
  const src = new Float32Array(10 * 6).fill(100);
  const out = resizeLanczos(src, 10, 6, 1, [0, 0, 10, 6], 4, 3);
  for (const v of out) assert.ok(Math.abs(v - 100) < 1e-3);
  const stripes = Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0));
  const half = resizeLanczos(stripes, 64, 1, 1, [0, 0, 64, 1], 8, 1);
  for (const v of half.subarray(2, 6)) assert.ok(Math.abs(v - 127.5) < 10, `stripes average to grey: ${v}`);
});
