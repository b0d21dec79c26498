import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, closeStudio, studioFixture, waitIteration } from './harness.js';

/** Drawn data in the 2D lab, exported as a config and points the CLI trains. */

// tsx by absolute URL: the CLI runs in a temporary folder outside the package.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const fx = studioFixture('ring8-demo');

test('2D lab: a drawn distribution becomes the data and trains', async () => {
  const page = await fx.open('', { width: 1280, height: 900 });
  await page.selectOption('#l2-data', 'drawn');
  assert.equal(await page.locator('#l2-draw-hint').isVisible(), true);
  const box = (await page.locator('#l2-main').boundingBox())!;
  // A stroke from the lower left to the upper right of the canvas.
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.8);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * (0.2 + 0.03 * i), box.y + box.height * (0.8 - 0.03 * i));
  await page.mouse.up();
  await page.waitForFunction(() => document.getElementById('l2-status')?.textContent === 'ready');
  await page.click('#l2-play');
  await waitIteration(page, 'l2-iter', 5);
  await page.click('#l2-play');
  assert.doesNotMatch((await page.locator('#l2-status').getAttribute('class')) ?? '', /error/);

  // Export: config.json names points:drawn.npy, saved beside it; the CLI trains on them.
  const dir = mkdtempSync(join(tmpdir(), 'gankit-export-'));
  try {
    const saved: string[] = [];
    page.on('download', (d) => saved.push(d.suggestedFilename()) && void d.saveAs(join(dir, d.suggestedFilename())));
    await page.click('#l2-export');
    await page.waitForFunction(() => /exported config\.json and drawn\.npy/.test(document.getElementById('l2-status')?.textContent ?? ''));
    for (let i = 0; i < 100 && !(existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'drawn.npy'))); i++) await page.waitForTimeout(100);
    assert.deepEqual(saved.sort(), ['config.json', 'drawn.npy']);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { data: string; model: string };
    assert.equal(config.data, 'points:drawn.npy');
    assert.equal(config.model, 'mlp');
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'src', 'cli', 'entry.ts'), ...args], { cwd: dir, encoding: 'utf8' });
    const direct = cli(['train', '--data', 'points:drawn.npy', '--model', 'mlp', '--steps', '20', '--out', 'run-direct']);
    assert.equal(direct.status, 0, direct.stderr);
    assert.ok(existsSync(join(dir, 'run-direct', 'metrics.jsonl')), 'the CLI trained on the exported points');
    const viaConfig = cli(['train', '--config', 'config.json', '--steps', '20', '--out', 'run-config']);
    assert.equal(viaConfig.status, 0, viaConfig.stderr);
    const bad = cli(['train', '--data', 'points:missing.npy', '--model', 'mlp', '--steps', '2', '--out', 'run-bad']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /points:missing\.npy: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await closeStudio(page);
});
