import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { smileyPoints } from '../../studio/lab-presets.js';
import { SHOTS, closeStudio, iteration, openStudio, studioFixture, textOf, waitIteration, waitText, setInput } from './harness.js';

/** What the studio has beyond GAN Lab: presets, the lab in a link, eval.json in the run viewer (slow motion: lab-slow-motion.test.ts). */

const fx = studioFixture('ring8-eval', (runDir) => {
  // What `gankit train` adds at its end: eval.json; and metrics beyond the two losses.
  writeFileSync(join(runDir, 'eval.json'), JSON.stringify({ step: 20, n_fake: 2500, modes_covered: 7, modes_total: 8, kl_to_uniform: 0.1234567, sliced_wasserstein: 0.0421 }, null, 2));
  appendFileSync(join(runDir, 'metrics.jsonl'), JSON.stringify({ step: 22, d_loss: 1.0, g_loss: 1.1, modes_captured: 8, gradient_penalty: 0.02, seconds: 3.5 }) + '\n');
});

test('a preset loads data, networks, loss and hyper-parameters in one click', async () => {
  const page = await fx.open();
  await page.click('[data-preset="ring8-collapse"]');
  await waitText(page, 'l2-status', /^preset “ring8 collapse” loaded/);
  const state = await page.evaluate(() => window.__studio!.lab2d.readState());
  assert.deepEqual(
    { data: state.data, loss: state.loss, hiddenG: state.hiddenG, hiddenD: state.hiddenD, lrG: state.lrG, batch: state.batch },
    { data: 'ring8', loss: 'non-saturating', hiddenG: '128,128', hiddenD: '128', lrG: 0.0001, batch: 256 },
  );
  assert.match(await textOf(page, 'l2-preset-blurb'), /^ring8 collapse: /);
  assert.match(await textOf(page, 'l2-defaults'), /Changed here: G rate 0\.0001, D rate 0\.0001, batch 256/);

  await page.click('[data-preset="wgan-gp-rescue"]');
  await waitText(page, 'l2-status', /^preset “WGAN-GP rescue” loaded/);
  assert.equal(await page.inputValue('#l2-loss'), 'wgan-gp');
  assert.equal(await page.inputValue('#l2-k'), '5');

  await page.click('[data-preset="smiley"]');
  await waitText(page, 'l2-status', /^preset “drawn smiley” loaded/);
  assert.equal(await page.inputValue('#l2-data'), 'drawn');
  assert.equal(await page.evaluate(() => window.__studio!.lab2d.drawnPoints), smileyPoints().length);
  await page.click('#l2-play');
  await waitIteration(page, 'l2-iter', 5);
  await page.click('#l2-play');
  assert.doesNotMatch((await page.locator('#l2-status').getAttribute('class')) ?? '', /error/);
  await page.screenshot({ path: join(SHOTS, 'preset-smiley.png'), fullPage: true });
  await closeStudio(page);
});

test('the whole lab is in its link: copy it, open it in a fresh page, same lab', async () => {
  const context = await (await fx.browser()).newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await openStudio(context, fx.server.url);
  await page.click('[data-preset="smiley"]');
  await waitText(page, 'l2-status', /^preset “drawn smiley” loaded/);
  await setInput(page, 'l2-opt-type', 'sgd');
  await setInput(page, 'l2-lrg', '0.02');
  await setInput(page, 'l2-gsteps', '2');
  await setInput(page, 'l2-noise', '1-uniform');
  await setInput(page, 'l2-seed', '9');
  await setInput(page, 'l2-hd', '32,32');
  await page.click('#l2-copy');
  await waitText(page, 'l2-status', /^link copied/);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, page.url(), 'the address bar holds the same link');
  assert.match(link, /[?&]pts=/);
  const want = await page.evaluate(() => window.__studio!.lab2d.readState());
  assert.match(await textOf(page, 'l2-defaults'), /2 G steps \(the CLI takes 1; not exported\).*uniform noise/);
  await closeStudio(page);
  await context.close();

  const fresh = await openStudio(await fx.browser(), link);
  await waitText(fresh, 'l2-status', new RegExp(`^lab loaded from the link, with its ${smileyPoints().length} drawn points`));
  const got = await fresh.evaluate(() => window.__studio!.lab2d.readState());
  const { points: gotPoints, ...gotRest } = got;
  const { points: wantPoints, ...wantRest } = want;
  assert.deepEqual(gotRest, wantRest);
  assert.equal(gotPoints.length, wantPoints.length);
  gotPoints.forEach((p, i) => assert.ok(Math.hypot(p[0] - wantPoints[i][0], p[1] - wantPoints[i][1]) < 2e-3, `point ${i}`));
  await fresh.click('#l2-play');
  await waitIteration(fresh, 'l2-iter', 3);
  await fresh.click('#l2-play');
  await fresh.screenshot({ path: join(SHOTS, 'link-opened.png'), fullPage: true });
  await closeStudio(fresh);

  // A mangled link opens the lab anyway and says what it could not take.
  const bad = await fx.open('?loss=magic&d=3');
  await waitText(bad, 'l2-status', /this link has settings the lab cannot take .*loss=magic is not one of/);
  assert.equal(await bad.inputValue('#l2-k'), '3');
  await closeStudio(bad);
});

test('run viewer: eval.json as a table, a curve for every metric, keys unbroken', async () => {
  const page = await fx.open('#run');
  await waitText(page, 'rv-eval-note', /^scored at step 20$/);
  const rows = await page.locator('#rv-eval tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(rows, [
    ['step', '20'],
    ['n_fake', '2500'],
    ['modes_covered', '7'],
    ['modes_total', '8'],
    ['kl_to_uniform', '0.1235'],
    ['sliced_wasserstein', '0.0421'],
  ]);
  const metrics = await page.locator('#rv-charts canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.metric));
  assert.deepEqual(metrics, ['d_loss,g_loss', 'modes_captured', 'gradient_penalty', 'seconds']);
  // Every part of a config key sits on one line (a part split over two lines has two boxes).
  const split = await page.locator('#rv-config .part').evaluateAll((parts) => parts.filter((p) => p.getClientRects().length !== 1).map((p) => p.textContent));
  assert.deepEqual(split, []);
  const overflow = await page.locator('#rv-config td:first-child').evaluateAll((tds) => tds.filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent));
  assert.deepEqual(overflow, [], 'no key runs out of its cell');
  await page.screenshot({ path: join(SHOTS, 'run-viewer-eval.png'), fullPage: true });
  await closeStudio(page);
});

test('a trained preset opens on trained networks: all 8 modes at iteration 1000, then trains on', async () => {
  const page = await fx.open('', { width: 1400, height: 1000 });
  await page.click('[data-preset="wgan-gp-rescue"]');
  await waitText(page, 'l2-status', /^preset “WGAN-GP rescue” loaded/);
  const fresh = await page.evaluate(() => window.__studio!.tensors());
  assert.match(await textOf(page, 'l2-modes-val'), /^[0-7] of 8/, 'fresh networks have not found the ring');
  const rescue = await page.evaluate(() => window.__studio!.lab2d.readState());

  await page.click('[data-preset="wgan-gp-trained"]');
  await waitText(page, 'l2-status', /^preset “WGAN-GP, trained” loaded: G and D after 1000 iterations, trained in Node; press Train to go on$/);
  assert.equal(await iteration(page, 'l2-iter'), 1000);
  assert.match(await textOf(page, 'l2-modes-val'), /^8 of 8 /, 'the trained G covers the ring at once');
  assert.deepEqual(await page.evaluate(() => window.__studio!.lab2d.readState()), rescue, 'the rescue lab’s settings');
  assert.equal(await page.evaluate(() => window.__studio!.tensors()), fresh, 'the loaded weights replace, not add');
  await page.screenshot({ path: join(SHOTS, 'preset-trained.png'), fullPage: true });
  await page.click('#l2-step');
  await waitIteration(page, 'l2-iter', 1001);
  assert.doesNotMatch((await page.locator('#l2-status').getAttribute('class')) ?? '', /error/);
  await closeStudio(page);
});
