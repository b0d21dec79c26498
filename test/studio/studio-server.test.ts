import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { studioCommand } from '../../src/cli/studio.js';
import { studioFixture } from './harness.js';

/** The studio server over HTTP and the `gankit studio` command's errors (no browser). */

const fx = studioFixture('ring8-demo');

test('server: serves the app and the run, refuses paths outside them', async () => {
  const index = await fetch(fx.server.url);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /gankit <b>Studio<\/b>/);
  assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
  const wasm = await fetch(`${fx.server.url}wasm/tfjs-backend-wasm-simd.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const run = (await (await fetch(`${fx.server.url}api/run`)).json()) as { name: string; metrics: unknown[]; samples: { url: string }[]; checkpoints: { generator: string }[] };
  assert.equal(run.name, 'ring8-demo');
  assert.equal(run.metrics.length, 11);
  assert.equal(run.samples[0].url, '/run/samples/step-000010.png');
  assert.equal(run.checkpoints[0].generator, '/run/checkpoints/step-000010/generator/model.json');
  for (const bad of ['/run/../../etc/passwd', '/run/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fpackage.json']) {
    const r = await fetch(`${fx.server.url.replace(/\/$/, '')}${bad}`);
    assert.equal(r.status, 404, `${bad} must not be served`);
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
