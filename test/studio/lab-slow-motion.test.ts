import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, canvasHash, closeStudio, iteration, studioFixture, textOf, waitCanvasChange, waitIteration, waitText, setInput } from './harness.js';

/** Slow motion in the 2D lab: one iteration walked update by update. */

const fx = studioFixture('ring8-demo');

test('slow motion walks one iteration: D’s steps, then G’s, each drawn and named', async () => {
  const page = await fx.open('', { width: 1400, height: 1000 });
  await setInput(page, 'l2-k', '2');
  await page.click('#l2-slow');
  assert.equal(await page.locator('#l2-slow-bar').isVisible(), true);
  assert.equal(await page.locator('#l2-pills .pill').allTextContents().then((t) => t.join(' ')), 'D1 D2 G1');
  assert.match(await textOf(page, 'l2-substep'), /One iteration is 3 updates: D's 2, then G's 1\. Next: D step 1 of 2 of iteration 0/);
  let main = await canvasHash(page, 'l2-main');

  await page.click('#l2-next');
  await waitText(page, 'l2-substep', /^Iteration 0 · D step 1 of 2: D is updated on 64 real .* D's loss on this batch: \d\.\d{4} → \d\.\d{4}\. Dashed line: D's boundary before the step; solid: after \(D = ½\)/);
  main = await waitCanvasChange(page, 'l2-main', main, 10_000);
  assert.equal(await page.locator('#l2-graph .updated').textContent(), 'D', 'the graph marks D as the net that changes');
  assert.equal(await iteration(page, 'l2-iter'), 0, 'the iteration is not done yet');
  await page.screenshot({ path: join(SHOTS, 'slow-motion-d.png'), fullPage: true });

  await page.click('#l2-next');
  await waitText(page, 'l2-substep', /^Iteration 0 · D step 2 of 2/);
  main = await waitCanvasChange(page, 'l2-main', main, 10_000);
  await page.click('#l2-next');
  await waitText(page, 'l2-substep', /^Iteration 0 · G step 1 of 1: G moves its 64 fakes along −∇ₓL_G .* G's loss on this batch: \d\.\d{4} → \d\.\d{4}\..* Iteration 0 is complete\. Next: D step 1 of 2 of iteration 1/);
  main = await waitCanvasChange(page, 'l2-main', main, 10_000);
  assert.equal(await page.locator('#l2-graph .updated').textContent(), 'G');
  assert.equal(await iteration(page, 'l2-iter'), 1);
  await page.screenshot({ path: join(SHOTS, 'slow-motion-g.png'), fullPage: true });

  // No tensors leak over a whole walked iteration.
  const tensors = await page.evaluate(() => window.__studio!.tensors());
  for (let i = 0; i < 3; i++) await page.click('#l2-next');
  await waitText(page, 'l2-substep', /^Iteration 1 · G step 1 of 1/);
  assert.equal(await page.evaluate(() => window.__studio!.tensors()), tensors);

  // Play walks on by itself; pausing stops it mid-iteration; Train finishes that iteration and runs.
  await page.click('#l2-slow-play');
  await waitText(page, 'l2-substep', /^Iteration 2 · D step/, 20_000);
  await page.click('#l2-slow-play');
  await page.click('#l2-play');
  assert.equal(await page.locator('#l2-slow-bar').isVisible(), false, 'Train leaves slow motion');
  await waitIteration(page, 'l2-iter', 6);
  await page.click('#l2-play');
  await closeStudio(page);
});
