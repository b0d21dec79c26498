import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, canvasHash, closeStudio, iteration, studioFixture, waitIteration } from './harness.js';

/** The 2D lab in Chromium: training, the canvases, a loss switch mid-run, a narrow window. */

const fx = studioFixture('ring8-demo');

test('2D lab: training advances, the canvases change, the loss switches mid-run', async () => {
  const page = await fx.open('', { width: 1400, height: 1000 });
  const backend = await page.locator('#backend').textContent();
  assert.match(backend ?? '', /^backend: (webgpu|webgl|wasm( \+ SIMD| \(no SIMD\)) \+ \d+ threads?|cpu)/, 'the page says which backend runs, and for wasm its SIMD and threads');
  if (/webgl skipped/.test(backend ?? '')) assert.doesNotMatch(backend ?? '', /webgl unavailable/, 'a skipped WebGL is not called unavailable');
  const main0 = await canvasHash(page, 'l2-main');
  const opt0 = await canvasHash(page, 'l2-opt');
  await page.click('#l2-play');
  const it1 = await waitIteration(page, 'l2-iter', 15);
  await page.waitForTimeout(300);
  const main1 = await canvasHash(page, 'l2-main');
  assert.notEqual(main1, main0, 'D heat map, fakes and manifold change while training');
  assert.notEqual(await canvasHash(page, 'l2-opt'), opt0, 'D* changes while training');
  assert.notEqual(await canvasHash(page, 'l2-c-loss'), '', 'loss chart drawn');

  // Switch to WGAN-GP mid-run: same networks keep training, k becomes 5.
  await page.selectOption('#l2-loss', 'wgan-gp');
  // The CLI's defaults for WGAN-GP on points: k = 5, λ = 0.1, Adam 5e-4 β = (0.5, 0.9), batch 256.
  assert.equal(await page.inputValue('#l2-k'), '5');
  assert.equal(await page.inputValue('#l2-gp'), '0.1');
  assert.equal(await page.inputValue('#l2-lrg'), '0.0005');
  assert.equal(await page.inputValue('#l2-batch'), '256');
  assert.match((await page.locator('#l2-defaults').textContent()) ?? '', /defaults for wgan-gp: k = 5, Adam 0\.0005 β=\(0\.5, 0\.9\), λ = 0\.1, batch 256\. This lab runs exactly those/);
  assert.match((await page.locator('#l2-explain').textContent()) ?? '', /λ = 0\.1 and batch 256 from the paper’s toy code/, 'the lab says why its λ is not the images’ 10');
  await page.waitForFunction(() => /wgan-gp/.test(document.getElementById('l2-status')?.textContent ?? ''));
  const atSwitch = await iteration(page, 'l2-iter');
  assert.ok(atSwitch >= it1, 'the switch does not reset the iteration count');
  await waitIteration(page, 'l2-iter', atSwitch + 3);
  assert.doesNotMatch((await page.locator('#l2-status').getAttribute('class')) ?? '', /error/);
  assert.match((await page.locator('#l2-explain').textContent()) ?? '', /WGAN-GP/);
  assert.match((await page.locator('#l2-heat-label').textContent()) ?? '', /critic score/);
  await page.waitForTimeout(300);
  assert.notEqual(await canvasHash(page, 'l2-main'), main1, 'canvas keeps changing after the switch');
  // Paused for the rest: a WGAN-GP iteration at batch 256 holds the page's thread, so hovers
  // and screenshots of a training page wait seconds for a gap.
  await page.click('#l2-play'); // pause
  await page.hover('#l2-main', { position: { x: 100, y: 100 } });
  assert.match((await page.locator('#l2-readout').textContent()) ?? '', /^x = \(-?\d\.\d\d, -?\d\.\d\d\): critic score, rescaled = \d\.\d{3} · D\*\(x\) = /);
  await page.screenshot({ path: join(SHOTS, '2d-lab.png'), fullPage: true });
  // No tensor leaks: single steps (train, then measure and draw) keep the count flat.
  await page.click('#l2-step');
  const tensors = await page.evaluate(() => window.__studio!.tensors());
  for (let i = 0; i < 4; i++) await page.click('#l2-step');
  assert.equal(await page.evaluate(() => window.__studio!.tensors()), tensors, 'tensor count after 4 more steps');
  await closeStudio(page);
});

test('narrow window (420 px): no horizontal overflow, canvases fit', async () => {
  const page = await fx.open('', { width: 420, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  const canvasWidth = await page.evaluate(() => document.getElementById('l2-main')!.getBoundingClientRect().width);
  assert.ok(canvasWidth > 200 && canvasWidth <= 420, `main canvas is ${canvasWidth}px wide`);
  await page.screenshot({ path: join(SHOTS, '2d-lab-narrow.png'), fullPage: true });
  await closeStudio(page);
});
