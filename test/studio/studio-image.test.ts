import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS, canvasHash, closeStudio, iteration, studioFixture, waitCanvasChange, waitIteration } from './harness.js';

/** The image lab in Chromium: its worker trains a DCGAN on the bundled digits. */

const fx = studioFixture('ring8-demo');

async function waitStatus(page: Page, re: RegExp, timeout = 60_000): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('im-status')?.textContent ?? ''), re.source, { timeout });
}

test('image lab: DCGAN trains in a worker on the bundled digits; class and code sliders steer G', async () => {
  const page = await fx.open('#image', { width: 1280, height: 900 });
  await page.waitForFunction(() => !(document.getElementById('im-play') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  // Without a GPU backend the lab starts on the settings chosen for digits in 2 minutes on a CPU.
  assert.equal(await page.inputValue('#im-model'), 'dcgan-small');
  assert.equal(await page.inputValue('#im-batch'), '8', 'a smaller batch without a GPU backend');
  assert.equal(await page.inputValue('#im-lr'), '0.002');
  await waitStatus(page, /^ready: gan on dcgan/);
  // The worker has drawn the first grid once the canvas has its 8×8 size.
  await page.waitForFunction(() => (document.getElementById('im-grid') as HTMLCanvasElement).width > 224);
  await page.waitForTimeout(300);
  const grid0 = await canvasHash(page, 'im-grid');
  const interp0 = await canvasHash(page, 'im-interp');
  const freshTensors = await page.evaluate(() => window.__studio!.imageLab.tensors());
  await page.click('#im-play');
  await waitIteration(page, 'im-iter', 2, 120_000);
  // Steps/s of the image lab (logged, not asserted: this machine is shared).
  const t0 = Date.now();
  const s0 = await iteration(page, 'im-iter');
  await page.waitForTimeout(8000);
  const rate = ((await iteration(page, 'im-iter')) - s0) / ((Date.now() - t0) / 1000);
  console.log(`image lab (its CPU default: small DCGAN, batch 8, Adam 2e-3): ${rate.toFixed(2)} steps/s on ${await page.locator('#im-backend').textContent()}`);
  // The page stays responsive while the worker trains: this click lands between steps.
  await page.click('#im-play', { timeout: 10_000 });
  await waitStatus(page, /^paused at step \d+/);
  assert.notEqual(await canvasHash(page, 'im-grid'), grid0, 'the sample grid changes as G trains');
  assert.notEqual(await canvasHash(page, 'im-interp'), interp0, 'the interpolation strip changes as G trains');
  await page.screenshot({ path: join(SHOTS, 'image-lab.png'), fullPage: true });
  await page.click('#im-reset');
  await waitStatus(page, /^ready: gan on dcgan/);
  assert.equal(await page.evaluate(() => window.__studio!.imageLab.tensors()), freshTensors, 'a reset frees the trained networks and optimizer state');

  // Conditional variant: a class slider appears and steers G(z, y).
  await page.selectOption('#im-variant', 'cgan');
  await waitStatus(page, /^ready: cgan on dcgan/);
  assert.equal(await page.locator('#im-cond').isVisible(), true, 'class slider shown for cgan');
  assert.equal(await page.locator('#im-c1-wrap').isVisible(), false, 'no continuous-code sliders for cgan');
  const roundRobin = await waitCanvasChange(page, 'im-grid', await canvasHash(page, 'im-grid'));
  await page.locator('#im-class').fill('3');
  assert.equal(await page.locator('#im-class-val').textContent(), '3');
  await waitCanvasChange(page, 'im-grid', roundRobin);
  await page.selectOption('#im-variant', 'infogan');
  await waitStatus(page, /^ready: infogan on dcgan/);
  assert.equal(await page.locator('#im-c1-wrap').isVisible(), true, 'continuous code sliders shown for InfoGAN');
  await page.waitForTimeout(500);
  const before = await canvasHash(page, 'im-grid');
  await page.locator('#im-c1').fill('1.5');
  await waitCanvasChange(page, 'im-grid', before);
  await page.screenshot({ path: join(SHOTS, 'image-lab-infogan.png'), fullPage: true });
  await closeStudio(page);
});
