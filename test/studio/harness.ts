import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { before, after } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { initBackend } from '../../src/backend/index.js';
import { startStudioServer, type StudioServer } from '../../src/studio/server.js';
import { makeRunFolder } from './fixture.js';

/** What the studio's browser tests share: the bundle, Chromium, pages that fail on errors. */

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const APP = join(ROOT, 'dist', 'studio');
export const SHOTS = join(ROOT, 'test-output', 'studio');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Newest modification time under a folder (to rebuild a stale studio bundle). */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const BUILD_LOCK = join(ROOT, 'dist', '.studio-build.lock');

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True while the process that took the build lock is alive. */
function lockHeld(): boolean {
  try {
    process.kill(Number(readFileSync(join(BUILD_LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rebuilds dist/studio when studio/ changed since. The studio's test files run two at a
 * time, so one builds (under a lock folder) while the others wait: two builds writing the
 * same files at once could hand a page half a bundle.
 */
export function ensureBuilt(): void {
  const main = join(APP, 'main.js');
  const stale = () => !existsSync(main) || !existsSync(join(APP, 'digits.bin')) || newest(join(ROOT, 'studio')) > statSync(main).mtimeMs;
  for (let waited = 0; stale(); waited += 200) {
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      // Another test file is building: wait for it, then look again (a dead builder's lock goes).
      if (!lockHeld() && waited > 2000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      assert.ok(waited < 300_000, 'waited 5 minutes for another test file to build the studio');
      sleepMs(200);
      continue;
    }
    try {
      writeFileSync(join(BUILD_LOCK, 'pid'), String(process.pid));
      if (!stale()) return;
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-studio.mjs'), '--quiet'], { stdio: 'inherit' });
      assert.equal(r.status, 0, 'studio build failed');
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const pageErrors = new Map<Page, string[]>();

/**
 * Opens the studio at `url` (in `owner`, a browser or a context) and waits until it runs;
 * the page records its errors and any request past the local server.
 */
export async function openStudio(owner: Browser | BrowserContext, url: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await owner.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('http://127.0.0.1:') && !u.startsWith('data:') && !u.startsWith('blob:')) errors.push(`external request: ${u}`);
  });
  pageErrors.set(page, errors);
  await page.goto(url);
  await page.waitForFunction(() => window.__studio?.ready === true || window.__studio?.error !== undefined, null, { timeout: 30_000 });
  const err = await page.evaluate(() => window.__studio?.error);
  assert.equal(err, undefined, `studio failed to start: ${err}`);
  assert.deepEqual(errors, [], 'the page threw');
  return page;
}

/** Closes a page, failing if it threw or reached past the local server meanwhile. */
export async function closeStudio(page: Page): Promise<void> {
  const errors = pageErrors.get(page) ?? [];
  await page.close();
  pageErrors.delete(page);
  assert.deepEqual(errors, [], 'page errors or external requests');
}

/** A hash of a canvas's pixels. */
export async function canvasHash(page: Page, id: string): Promise<string> {
  const url = await page.evaluate((i) => (document.getElementById(i) as HTMLCanvasElement).toDataURL(), id);
  return createHash('sha256').update(url).digest('hex');
}

/** Waits until a canvas's pixels differ from `before`; returns the new hash. */
export async function waitCanvasChange(page: Page, id: string, before: string, timeout = 90_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    const now = await canvasHash(page, id);
    if (now !== before) return now;
    if (Date.now() > end) assert.fail(`#${id} did not change within ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}

export async function textOf(page: Page, id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent()) ?? '';
}

export async function iteration(page: Page, id: string): Promise<number> {
  return Number(await textOf(page, id));
}

export async function waitIteration(page: Page, id: string, atLeast: number, timeout = 60_000): Promise<number> {
  await page.waitForFunction(([i, n]) => Number(document.getElementById(i as string)?.textContent) >= (n as number), [id, atLeast] as const, { timeout });
  return iteration(page, id);
}

/** Waits until an element's text matches. */
/** Sets a lab control as a user would: picks a select's option, or types into an input and commits it. */
export async function setInput(page: Page, id: string, value: string): Promise<void> {
  if ((await page.locator(`#${id}`).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(`#${id}`, value);
  else {
    await page.fill(`#${id}`, value);
    await page.dispatchEvent(`#${id}`, 'change');
  }
}

export async function waitText(page: Page, id: string, re: RegExp, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([i, src]) => new RegExp(src as string).test(document.getElementById(i as string)?.textContent ?? ''), [id, re.source] as const, { timeout });
}

/** What a studio test file shares: a run folder, a server on it, Chromium (launched on first use). */
export interface StudioFixture {
  readonly server: StudioServer;
  readonly runDir: string;
  /** The browser, launched once for the file. */
  browser(): Promise<Browser>;
  /** openStudio at `path` of the server (e.g. '#image', '?loss=hinge'). */
  open(path?: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * The before/after of a studio test file: builds the bundle if stale, writes a tiny run
 * folder named `name` (fixture.ts's makeRunFolder, then `prepare` for what a file adds to
 * it), serves it with the built app, and closes everything after the file's tests.
 */
export function studioFixture(name: string, prepare?: (runDir: string) => void | Promise<void>): StudioFixture {
  let server: StudioServer | undefined;
  let runDir: string | undefined;
  let browser: Promise<Browser> | undefined;
  before(async () => {
    ensureBuilt();
    mkdirSync(SHOTS, { recursive: true });
    await initBackend('cpu');
    runDir = join(mkdtempSync(join(tmpdir(), 'gankit-studio-')), name);
    await makeRunFolder(runDir);
    await prepare?.(runDir);
    server = await startStudioServer({ port: 0, host: '127.0.0.1', runDir, appDir: APP });
  });
  after(async () => {
    await (await browser)?.close();
    await server?.close();
    if (runDir) rmSync(resolve(runDir, '..'), { recursive: true, force: true });
  });
  const fixture: StudioFixture = {
    get server() {
      assert.ok(server, 'the studio fixture is used before its before() ran');
      return server;
    },
    get runDir() {
      assert.ok(runDir, 'the studio fixture is used before its before() ran');
      return runDir;
    },
    browser: () => (browser ??= launchChromium()),
    open: async (path = '', viewport) => openStudio(await fixture.browser(), `${fixture.server.url}${path}`, viewport),
  };
  return fixture;
}
