import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRun, trainRun } from '../../src/train/run.js';
import { sampleCommand } from '../../src/cli/sample.js';
import { SHOTS, closeStudio, studioFixture, waitText } from './harness.js';

/** The run viewer on a text run: the server decodes G's sequences as `gankit sample --out FILE.txt` does. */

const fx = studioFixture('text-run', async (runDir) => {
  rmSync(runDir, { recursive: true, force: true });
  const run = startRun({ variant: 'gumbel', data: 'words', steps: 2, batchSize: 8, logEvery: 1, checkpointEvery: 2, sampleEvery: 2, seed: 3 }, runDir);
  await trainRun(run, { quiet: true, skipEvaluation: true });
  run.variant.dispose();
});

test('server and viewer: a text run samples words, the same as gankit sample --out FILE.txt', async (t) => {
  const res = await fetch(`${fx.server.url}api/sample?step=2&n=5&seed=4`);
  const body = (await res.json()) as { kind: string; words?: string[]; step: number };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.kind, 'text');
  assert.equal(body.words?.length, 5);
  const out = join(resolve(fx.runDir, '..'), 'cli.txt');
  t.mock.method(console, 'log', () => undefined);
  assert.equal(await sampleCommand(['--run', fx.runDir, '--step', '2', '--n', '5', '--seed', '4', '--out', out]), 0);
  assert.deepEqual(body.words, readFileSync(out, 'utf8').split('\n').slice(0, 5));

  const page = await fx.open('#run', { width: 1280, height: 1000 });
  await page.waitForSelector('#rv-ckpt option', { state: 'attached', timeout: 30_000 });
  await page.click('#rv-sample');
  await waitText(page, 'rv-status', /^sampled step 2 on the server$/);
  assert.equal(await page.locator('#rv-words li').count(), 64);
  assert.match((await page.locator('#rv-gen-info').textContent()) ?? '', /^64 sequences from G at step 2/);
  assert.equal(await page.locator('#rv-gen').isHidden(), true);
  await page.screenshot({ path: join(SHOTS, 'run-viewer-text.png'), fullPage: true });
  await closeStudio(page);
});
