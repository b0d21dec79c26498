import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStudioServer } from '../../src/studio/server.js';
import { startRun, trainRun } from '../../src/train/run.js';
import { APP, SHOTS, canvasHash, closeStudio, studioFixture } from './harness.js';

/** The run viewer on a tiny run folder and on one the real trainer wrote. */

const fx = studioFixture('ring8-demo');

test('run viewer: curves, sample grids and the generator of a run folder', async () => {
  const page = await fx.open('#run', { width: 1280, height: 900 });
  assert.equal(await page.locator('#tab-run').isVisible(), true);
  assert.equal(await page.locator('#rv-name').textContent(), 'ring8-demo');
  assert.equal(await page.locator('#rv-charts canvas').count(), 2, 'one chart for the losses, one for modes_captured');
  await page.waitForFunction(() => (document.getElementById('rv-sample-img') as HTMLImageElement).naturalWidth === 32);
  const blank = await canvasHash(page, 'rv-gen');
  await page.click('#rv-sample');
  await page.waitForFunction(() => /sampled from/.test(document.getElementById('rv-status')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.notEqual(await canvasHash(page, 'rv-gen'), blank, 'samples from the checkpointed generator are drawn');
  assert.match((await page.locator('#rv-gen-info').textContent()) ?? '', /1024 points from G/);
  await page.screenshot({ path: join(SHOTS, 'run-viewer.png'), fullPage: true });
  // A run still training grows: the viewer polls and redraws.
  appendFileSync(join(fx.runDir, 'metrics.jsonl'), JSON.stringify({ step: 22, d_loss: 0.9, g_loss: 1.1, modes_captured: 8 }) + '\n');
  await page.waitForFunction(() => /^12 metric rows/.test(document.getElementById('rv-status')?.textContent ?? ''), null, { timeout: 15_000 });
  await closeStudio(page);
});

test('run viewer: reads a folder the real trainer wrote and samples its generator', async () => {
  const dir = join(resolve(fx.runDir, '..'), 'trained');
  const run = startRun({ data: 'ring8', model: 'mlp', hidden: [16, 16], steps: 20, batchSize: 32, logEvery: 5, sampleEvery: 10, checkpointEvery: 10, seed: 5 }, dir);
  await trainRun(run, { quiet: true, skipEvaluation: true });
  run.variant.dispose();
  const second = await startStudioServer({ port: 0, runDir: dir, appDir: APP });
  try {
    const page = await (await fx.browser()).newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${second.url}#run`);
    await page.waitForFunction(() => window.__studio?.ready === true, null, { timeout: 30_000 });
    assert.equal(await page.locator('#rv-name').textContent(), 'trained');
    assert.ok((await page.locator('#rv-charts canvas').count()) >= 1);
    assert.ok((await page.locator('#rv-ckpt option').count()) >= 2, 'checkpoints at steps 10 and 20');
    await page.click('#rv-sample');
    await page.waitForFunction(() => /sampled from/.test(document.getElementById('rv-status')?.textContent ?? ''), null, { timeout: 30_000 });
    assert.match((await page.locator('#rv-gen-info').textContent()) ?? '', /points from G .* over ring8/);
    await page.screenshot({ path: join(SHOTS, 'run-viewer-trained.png'), fullPage: true });
    await closeStudio(page);
  } finally {
    await second.close();
  }
});
