import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { initBackend } from '../../src/backend/index.js';
import { startStudioServer, type StudioServer } from '../../src/studio/server.js';
import { studioCommand } from '../../src/cli/studio.js';
import { makeRunFolder } from './fixture.js';
import { startRun, trainRun } from '../../src/train/run.js';
import { APP, ROOT, SHOTS, canvasHash, closeStudio as closePage, ensureBuilt, iteration, launchChromium, openStudio, waitCanvasChange, waitIteration } from './harness.js';

// tsx by absolute URL: the CLI runs in a temporary folder outside the package.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let server: StudioServer;
let browser: Browser;
let runDir: string;

function openPage(width: number, height: number, hash = ''): Promise<Page> {
  return openStudio(browser, `${server.url}${hash}`, { width, height });
}

async function waitStatus(page: Page, re: RegExp, timeout = 60_000): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('im-status')?.textContent ?? ''), re.source, { timeout });
}

before(async () => {
  ensureBuilt();
  mkdirSync(SHOTS, { recursive: true });
  await initBackend('cpu');
  runDir = join(mkdtempSync(join(tmpdir(), 'gankit-studio-')), 'ring8-demo');
  await makeRunFolder(runDir);
  server = await startStudioServer({ port: 0, host: '127.0.0.1', runDir, appDir: APP });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (runDir) rmSync(resolve(runDir, '..'), { recursive: true, force: true });
});

test('server: serves the app and the run, refuses paths outside them', async () => {
  const index = await fetch(server.url);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /gankit <b>Studio<\/b>/);
  assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
  const wasm = await fetch(`${server.url}wasm/tfjs-backend-wasm-simd.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const run = (await (await fetch(`${server.url}api/run`)).json()) as { name: string; metrics: unknown[]; samples: { url: string }[]; checkpoints: { generator: string }[] };
  assert.equal(run.name, 'ring8-demo');
  assert.equal(run.metrics.length, 11);
  assert.equal(run.samples[0].url, '/run/samples/step-000010.png');
  assert.equal(run.checkpoints[0].generator, '/run/checkpoints/step-000010/generator/model.json');
  for (const bad of ['/run/../../etc/passwd', '/run/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fpackage.json']) {
    const r = await fetch(`${server.url.replace(/\/$/, '')}${bad}`);
    assert.equal(r.status, 404, `${bad} must not be served`);
  }
});

test('2D lab: training advances, the canvases change, the loss switches mid-run', async () => {
  const page = await openPage(1400, 1000);
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
  await page.hover('#l2-main', { position: { x: 100, y: 100 } });
  assert.match((await page.locator('#l2-readout').textContent()) ?? '', /^x = \(-?\d\.\d\d, -?\d\.\d\d\): critic score, rescaled = \d\.\d{3} · D\*\(x\) = /);
  await page.screenshot({ path: join(SHOTS, '2d-lab.png'), fullPage: true });
  await page.click('#l2-play'); // pause
  // No tensor leaks: single steps (train, then measure and draw) keep the count flat.
  await page.click('#l2-step');
  const tensors = await page.evaluate(() => window.__studio!.tensors());
  for (let i = 0; i < 4; i++) await page.click('#l2-step');
  assert.equal(await page.evaluate(() => window.__studio!.tensors()), tensors, 'tensor count after 4 more steps');
  await closePage(page);
});

test('2D lab: a drawn distribution becomes the data and trains', async () => {
  const page = await openPage(1280, 900);
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
  await closePage(page);
});

test('narrow window (420 px): no horizontal overflow, canvases fit', async () => {
  const page = await openPage(420, 900);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  const canvasWidth = await page.evaluate(() => document.getElementById('l2-main')!.getBoundingClientRect().width);
  assert.ok(canvasWidth > 200 && canvasWidth <= 420, `main canvas is ${canvasWidth}px wide`);
  await page.screenshot({ path: join(SHOTS, '2d-lab-narrow.png'), fullPage: true });
  await closePage(page);
});

test('image lab: DCGAN trains in a worker on the bundled digits; class and code sliders steer G', async () => {
  const page = await openPage(1280, 900, '#image');
  await page.waitForFunction(() => !(document.getElementById('im-play') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  assert.equal(await page.inputValue('#im-batch'), '16', 'a smaller batch without a GPU backend');
  // A small batch keeps this quick on a shared CPU; the model is the real DCGAN.
  await page.fill('#im-batch', '8');
  await page.dispatchEvent('#im-batch', 'change');
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
  console.log(`image lab: small DCGAN, batch 8, ${rate.toFixed(2)} steps/s on ${await page.locator('#im-backend').textContent()}`);
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
  await closePage(page);
});

test('run viewer: curves, sample grids and the generator of a run folder', async () => {
  const page = await openPage(1280, 900, '#run');
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
  appendFileSync(join(runDir, 'metrics.jsonl'), JSON.stringify({ step: 22, d_loss: 0.9, g_loss: 1.1, modes_captured: 8 }) + '\n');
  await page.waitForFunction(() => /^12 metric rows/.test(document.getElementById('rv-status')?.textContent ?? ''), null, { timeout: 15_000 });
  await closePage(page);
});

test('run viewer: reads a folder the real trainer wrote and samples its generator', async () => {
  const dir = join(resolve(runDir, '..'), 'trained');
  const run = startRun({ data: 'ring8', model: 'mlp', hidden: [16, 16], steps: 20, batchSize: 32, logEvery: 5, sampleEvery: 10, checkpointEvery: 10, seed: 5 }, dir);
  await trainRun(run, { quiet: true, skipEvaluation: true });
  run.variant.dispose();
  const second = await startStudioServer({ port: 0, runDir: dir, appDir: APP });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${second.url}#run`);
    await page.waitForFunction(() => window.__studio?.ready === true, null, { timeout: 30_000 });
    assert.equal(await page.locator('#rv-name').textContent(), 'trained');
    assert.ok((await page.locator('#rv-charts canvas').count()) >= 1);
    assert.ok((await page.locator('#rv-ckpt option').count()) >= 2, 'checkpoints at steps 10 and 20');
    await page.click('#rv-sample');
    await page.waitForFunction(() => /sampled from/.test(document.getElementById('rv-status')?.textContent ?? ''), null, { timeout: 30_000 });
    assert.match((await page.locator('#rv-gen-info').textContent()) ?? '', /points from G .* over ring8/);
    await page.screenshot({ path: join(SHOTS, 'run-viewer-trained.png'), fullPage: true });
    await closePage(page);
  } finally {
    await second.close();
  }
});

test('gankit studio: a taken port is one clear line and a non-zero exit', async (t) => {
  const blocker = createServer();
  await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
  const port = (blocker.address() as { port: number }).port;
  const lines: string[] = [];
  t.mock.method(console, 'error', (...a: unknown[]) => lines.push(a.join(' ')));
  const code = await studioCommand(['--port', String(port)]);
  blocker.close();
  assert.notEqual(code, 0);
  assert.deepEqual(lines, [`gankit studio: port ${port} is in use; pick another with --port`]);
  lines.length = 0;
  assert.equal(await studioCommand(['--port', 'eighty']), 2);
  assert.match(lines[0], /--port must be a whole number/);
  lines.length = 0;
  assert.equal(await studioCommand(['--run', join(tmpdir(), 'no-such-run-folder-gankit')]), 2);
  assert.match(lines[0], /does not exist/);
  lines.length = 0;
  assert.equal(await studioCommand(['--bogus']), 2);
  assert.equal(lines.length, 1);
});
