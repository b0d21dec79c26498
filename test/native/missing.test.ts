/** Without the addon, gankit's native module says why and registers nothing. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

it('registerNativeBackend() is false and nativeInfo() explains when the addon is missing', () => {
  const script = `
    import('./src/native/index.ts').then((m) => {
      const registered = m.registerNativeBackend();
      console.log(JSON.stringify({ registered, info: m.nativeInfo() }));
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GANKIT_NATIVE_ADDON: '/nonexistent/gankit_native.node', GANKIT_NO_NATIVE: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.registered, false);
  assert.equal(out.info.built, false);
  assert.equal(out.info.isa, null);
  assert.match(out.info.reason, /not built|missing/);
});
