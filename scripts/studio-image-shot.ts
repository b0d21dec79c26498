// One-off (not in the test suite): the image lab trained for SECONDS in headless Chromium,
// then a screenshot (and OUT-grid.png, the sample grid alone); the steps, steps/s and the
// step count every 30 s are printed. Build the studio first (npm run build:studio).
//   nice -n 10 npx tsx scripts/studio-image-shot.ts OUT.png [SECONDS=120] [batch] [lr]
// QUERY="?threads=1" adds a query to the page address.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startStudioServer } from '../src/studio/server.js';

const [out, secondsS = '120', batch, lr] = process.argv.slice(2);
const seconds = Number(secondsS);
const server = await startStudioServer({ port: 0, host: '127.0.0.1', appDir: 'dist/studio' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await page.goto(`${server.url}${process.env.QUERY ?? ""}#image`);
  await page.waitForFunction(() => !(document.getElementById('im-play') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
  await page.waitForFunction(() => /^ready/.test(document.getElementById('im-status')?.textContent ?? ''), null, { timeout: 60_000 });
  for (const [id, v] of [['im-batch', batch], ['im-lr', lr]] as const) {
    if (!v) continue;
    await page.fill(`#${id}`, v);
    await page.dispatchEvent(`#${id}`, 'change');
    await page.waitForFunction(() => /^ready/.test(document.getElementById('im-status')?.textContent ?? ''), null, { timeout: 60_000 });
  }
  const settings = await page.evaluate(() => ['im-model', 'im-batch', 'im-lr'].map((i) => (document.getElementById(i) as HTMLInputElement).value).join(' '));
  const backend = await page.locator('#im-backend').textContent();
  await page.click('#im-play');
  const t0 = Date.now();
  const marks: string[] = [];
  for (let s = 30; s <= seconds; s += 30) {
    await page.waitForTimeout(t0 + s * 1000 - Date.now());
    marks.push(`${s}s:${await page.locator('#im-iter').textContent()}`);
  }
  await page.waitForTimeout(Math.max(0, t0 + seconds * 1000 - Date.now()));
  await page.click('#im-play');
  await page.waitForFunction(() => /^paused/.test(document.getElementById('im-status')?.textContent ?? ''), null, { timeout: 60_000 });
  const steps = Number(await page.locator('#im-iter').textContent());
  const elapsed = (Date.now() - t0) / 1000;
  await page.waitForTimeout(500);
  await page.screenshot({ path: out, fullPage: true });
  const grid = await page.evaluate(() => (document.getElementById('im-grid') as HTMLCanvasElement).toDataURL('image/png'));
  writeFileSync(out.replace(/\.png$/, '-grid.png'), Buffer.from(grid.split(',')[1], 'base64'));
  console.log(`${settings} | ${backend} | ${steps} steps in ${elapsed.toFixed(0)} s = ${(steps / elapsed).toFixed(2)} steps/s | ${marks.join(' ')}`);
} finally {
  await browser.close();
  await server.close();
}
