import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { prepareDataset } from '../../src/data/index.js';
import { startRun, trainRun } from '../../src/train/run.js';
import { sampleCommand } from '../../src/cli/sample.js';
import { readNpy } from '../../src/io/npy.js';
import { SHOTS, canvasHash, closeStudio, studioFixture, waitText } from './harness.js';

/** The run viewer on a tag-conditioned run: tag check-boxes, samples the server draws as `gankit sample --tags` does. */

const TAGS = ['bright', 'dark', 'striped'];

/** 16 grey 8×8 images: bright or dark, half of them striped; tags.csv beside them. */
function tagFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const rows = ['file,tags'];
  for (let i = 0; i < 16; i++) {
    const bright = i % 2 === 0;
    const striped = i % 4 < 2;
    const png = new PNG({ width: 8, height: 8 });
    for (let p = 0; p < 64; p++) {
      const v = (bright ? 220 : 40) + (striped && Math.floor(p / 8) % 2 === 0 ? (bright ? -120 : 120) : 0);
      png.data.set([v, v, v, 255], 4 * p);
    }
    writeFileSync(join(dir, `${i}.png`), PNG.sync.write(png));
    rows.push(`${i}.png,"${[bright ? 'bright' : 'dark', ...(striped ? ['striped'] : [])].join(', ')}"`);
  }
  writeFileSync(join(dir, 'tags.csv'), rows.join('\n') + '\n');
  return join(dir, 'tags.csv');
}

// The served folder is a real tag-conditioned CGAN run (4 steps, checkpoints at 2 and 4).
const fx = studioFixture('tag-run', async (runDir) => {
  rmSync(runDir, { recursive: true, force: true });
  const images = join(resolve(runDir, '..'), 'tagged');
  const labels = tagFolder(images);
  // Decoded images go to a cache of this test's own, not the user's.
  process.env.GANKIT_CACHE = join(resolve(runDir, '..'), 'cache');
  await prepareDataset(`images:${images}`, { labels, resolution: 8, channels: 1 });
  const run = startRun(
    { variant: 'cgan', data: `images:${images}`, dataOptions: { labels, resolution: 8, channels: 1 }, model: 'mlp', hidden: [16], latentDim: 4, steps: 4, batchSize: 4, logEvery: 2, sampleEvery: 2, checkpointEvery: 2, seed: 2 },
    runDir,
  );
  await trainRun(run, { quiet: true, skipEvaluation: true });
  run.variant.dispose();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fx.server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('server: /api/condition names the tags; /api/sample is gankit sample --tags, refusing bad queries and links', async (t) => {
  assert.deepEqual(await getJson('api/condition'), { status: 200, body: { kind: 'tags', tags: TAGS } });
  const answer = await getJson('api/sample?step=4&n=6&seed=3&tags=%20Striped%20');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.deepEqual({ ...answer.body, pixels: undefined }, { step: 4, kind: 'images', shape: [6, 8, 8, 1], tags: ['striped'], matching: 8, seed: 3, pixels: undefined });
  // The same samples as the CLI's, byte for byte (the answer rounds to bytes).
  const out = join(resolve(fx.runDir, '..'), 'cli.npy');
  t.mock.method(console, 'log', () => undefined);
  assert.equal(await sampleCommand(['--run', fx.runDir, '--step', '4', '--n', '6', '--seed', '3', '--tags', 'striped', '--out', out]), 0);
  const cli = readNpy(out).data as Float32Array;
  assert.deepEqual([...Buffer.from(answer.body.pixels as string, 'base64')], Array.from(cli, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));

  const none = await getJson('api/sample?n=4&tags=bright,dark');
  assert.equal(none.status, 200);
  assert.equal(none.body.matching, 0, 'no image is both bright and dark');
  for (const [query, status, pattern] of [
    ['api/sample?tags=purple', 400, /^unknown tag 'purple'; this run knows: bright, dark, striped$/],
    ['api/sample?n=0', 400, /^n must be a whole number from 1 to 256; got '0'$/],
    ['api/sample?n=1e9', 400, /^n must be a whole number/],
    ['api/sample?step=3', 404, /^this run has no checkpoint at step 3; it has: 2, 4$/],
    ['api/sample?step=..%2F..', 400, /^step must be a whole number/],
  ] as const) {
    const r = await getJson(query);
    assert.equal(r.status, status, query);
    assert.match(String(r.body.error), pattern, query);
  }

  // A checkpoint file that is a symbolic link (here to a copy outside the run) is refused.
  const weights = join(fx.runDir, 'checkpoints', 'step-000002', 'generator', 'weights.bin');
  const copy = join(resolve(fx.runDir, '..'), 'outside-weights.bin');
  copyFileSync(weights, copy);
  renameSync(weights, `${weights}.moved`);
  symlinkSync(copy, weights);
  try {
    const linked = await getJson('api/sample?step=2');
    assert.equal(linked.status, 403);
    assert.match(String(linked.body.error), /^checkpoints\/step-000002\/generator\/weights\.bin in the run folder is a symbolic link/);
  } finally {
    rmSync(weights);
    renameSync(`${weights}.moved`, weights);
  }
  assert.equal((await getJson('api/sample?step=2&n=2')).status, 200, 'the real file samples again');
});

test('run viewer: a check-box per tag; ticked tags and the button draw samples conditioned on them', async () => {
  const page = await fx.open('#run', { width: 1280, height: 1000 });
  await page.waitForFunction(() => !document.getElementById('rv-tags-box')!.hidden, null, { timeout: 30_000 });
  assert.deepEqual(await page.locator('#rv-tags label').allTextContents(), TAGS.map((tag) => ` ${tag}`));
  const blank = await canvasHash(page, 'rv-gen');

  // Sample alone: the server draws the data's own tag sets (a page cannot).
  await page.click('#rv-sample');
  await waitText(page, 'rv-status', /^sampled step 4 on the server$/);
  assert.match(await page.locator('#rv-gen-info').textContent() ?? '', /^64 samples from G at step 4, tag sets drawn from the data\.$/);
  const untagged = await canvasHash(page, 'rv-gen');
  assert.notEqual(untagged, blank);

  await page.check('#rv-tag-2'); // striped
  await page.click('#rv-tag-sample');
  await waitText(page, 'rv-status', /^sampled step 4 on the server with striped$/);
  assert.match(await page.locator('#rv-gen-info').textContent() ?? '', /^64 samples from G at step 4, striped on every sample \(the other tags as in the 8 training samples that carry it\)\.$/);
  assert.equal(await page.locator('#rv-gen').getAttribute('data-tags'), 'striped');
  const striped = await canvasHash(page, 'rv-gen');
  assert.notEqual(striped, untagged);
  await page.screenshot({ path: join(SHOTS, 'run-viewer-tags.png'), fullPage: true });

  await page.check('#rv-tag-0'); // bright, and striped
  await page.check('#rv-tag-1'); // dark too: no image is both
  await page.click('#rv-tag-sample');
  await waitText(page, 'rv-status', /^sampled step 4 on the server with bright, dark, striped$/);
  assert.match(await page.locator('#rv-gen-info').textContent() ?? '', /exactly bright, dark, striped: no training sample carries all of them/);

  // The earlier checkpoint, picked in the list, is the one sampled.
  await page.uncheck('#rv-tag-1');
  await page.selectOption('#rv-ckpt', { label: 'step 2' });
  await waitText(page, 'rv-status', /^sampled step 2 on the server$/);
  await page.click('#rv-tag-sample');
  await waitText(page, 'rv-status', /^sampled step 2 on the server with bright, striped$/);
  await closeStudio(page);
});
