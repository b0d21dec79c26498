import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStudioServer, hostChecker, type StudioServer } from '../../src/studio/server.js';
import { studioCommand } from '../../src/cli/studio.js';

// A fake app build and run folder: the server reads no more than index.html and config.json.
const root = mkdtempSync(join(tmpdir(), 'gankit-studio-sec-'));
const app = join(root, 'app');
const run = join(root, 'run');
const outside = join(root, 'outside');
mkdirSync(app);
mkdirSync(join(run, 'samples'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(app, 'index.html'), '<p>studio</p>');
writeFileSync(join(app, '.env'), 'SECRET=app');
writeFileSync(join(run, 'config.json'), '{"data":"ring8"}');
writeFileSync(join(run, 'samples', 'step-000010.png'), 'png');
writeFileSync(join(run, '.secret'), 'SECRET=run');
mkdirSync(join(run, '.git'));
writeFileSync(join(run, '.git', 'config'), 'SECRET=git');
writeFileSync(join(outside, 'passwd'), 'SECRET=outside');
writeFileSync(join(root, 'beside-run.txt'), 'SECRET=parent');
symlinkSync(join(outside, 'passwd'), join(run, 'samples', 'evil.png'));
symlinkSync(root, join(run, 'up'));
symlinkSync(outside, join(app, 'linked'));
// A link that stays inside the run is fine.
symlinkSync(join(run, 'samples', 'step-000010.png'), join(run, 'samples', 'latest.png'));

const server: StudioServer = await startStudioServer({ port: 0, appDir: app, runDir: run });
after(() => server.close());

/** A raw GET, so the test controls the Host header and the path exactly. */
function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('studio server: serves the app and the run folder', async () => {
  assert.equal((await get('/')).body, '<p>studio</p>');
  assert.equal((await get('/run/samples/step-000010.png')).body, 'png');
  assert.equal((await get('/run/samples/latest.png')).body, 'png', 'a link inside the run is served');
});

test('studio server: symlinks pointing out of the run or the app are refused', async () => {
  for (const path of ['/run/samples/evil.png', '/run/up/beside-run.txt', '/run/up/outside/passwd', '/linked/passwd']) {
    const r = await get(path);
    assert.equal(r.status, 404, `${path} must not be served`);
    assert.doesNotMatch(r.body, /SECRET/);
  }
});

test('studio server: dotfiles and dot-folders are not served', async () => {
  for (const path of ['/run/.secret', '/run/.git/config', '/.env', '/run/%2esecret', '/run/samples/../.secret']) {
    const r = await get(path);
    assert.equal(r.status, 404, `${path} must not be served`);
    assert.doesNotMatch(r.body, /SECRET/);
  }
});

test('studio server: a foreign Host header is refused (DNS rebinding)', async () => {
  for (const host of ['evil.example.com', `evil.example.com:${server.port}`, '127.0.0.1.evil.com']) {
    assert.equal((await get('/', host)).status, 403, `Host '${host}'`);
  }
  for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, 'LOCALHOST']) {
    assert.equal((await get('/', host)).status, 200, `Host '${host}'`);
  }
});

test('studio server: which Host names each bind answers', () => {
  const loop = hostChecker('127.0.0.1');
  assert.ok(loop('localhost:8080') && loop('127.0.0.1') && loop('[::1]:1'));
  assert.ok(!loop('192.168.1.9:8080') && !loop('evil.com') && !loop(undefined));
  const v6 = hostChecker('::1');
  assert.ok(v6('[::1]:8080') && v6('localhost') && !v6('evil.com'));
  const all = hostChecker('0.0.0.0');
  assert.ok(all('192.168.1.9:8080') && all('[fe80::1]:8080') && all('127.0.0.1'));
  assert.ok(!all('evil.example.com:8080'), 'a wildcard bind still refuses foreign names');
  const one = hostChecker('10.1.2.3');
  assert.ok(one('10.1.2.3:8080') && !one('10.1.2.4') && !one('evil.com'));
});

test('gankit studio --host 0.0.0.0: warns it is exposed and prints the real address', async (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'error', (...a: unknown[]) => lines.push(a.join(' ')));
  t.mock.method(console, 'log', (...a: unknown[]) => lines.push(a.join(' ')));
  const { startStudioServer: start } = await import('../../src/studio/server.js');
  const s = await start({ port: 0, host: '0.0.0.0', appDir: app });
  try {
    assert.equal(s.exposed, true);
    assert.equal(s.address, `0.0.0.0:${s.port}`);
    assert.equal(s.url, `http://127.0.0.1:${s.port}/`);
  } finally {
    await s.close();
  }
  // The CLI: run it until it prints, then stop it as Ctrl-C would.
  const done = studioCommand(['--port', '0', '--host', '0.0.0.0']);
  for (let i = 0; i < 200 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  process.emit('SIGINT');
  await done;
  assert.ok(lines.some((l) => /warning: listening on 0\.0\.0\.0:\d+, beyond this machine/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /listening on 0\.0\.0\.0:\d+; from this machine open http:\/\/127\.0\.0\.1:\d+\//.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => /localhost/.test(l)), 'no claim that it listens on localhost only');
});
