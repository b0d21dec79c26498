#!/usr/bin/env node
// Builds gankit's native backend (binding.gyp) with node-gyp at install. It never fails
// the install: without a compiler gankit runs on TF.js's `cpu` backend instead, and this
// prints one line saying so. GANKIT_NO_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function nodeGypCommand() {
  const fromEnv = process.env.npm_config_node_gyp;
  if (fromEnv && existsSync(fromEnv)) return [process.execPath, fromEnv];
  // npm ships node-gyp inside itself; find it next to the npm that runs us or on PATH.
  const candidates = [];
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const c of candidates) if (existsSync(c)) return [process.execPath, c];
  return ['node-gyp'];
}

if (process.env.GANKIT_NO_NATIVE === '1') {
  console.log('gankit: GANKIT_NO_NATIVE=1, native backend not built (TF.js cpu backend will be used)');
  process.exit(0);
}
const [cmd, ...pre] = nodeGypCommand();
const args = [...pre, 'rebuild', '--release'];
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) {
  args.push('--nodedir=/usr');
}
const started = Date.now();
const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: process.env });
if (r.status === 0 && existsSync(join(root, 'build', 'Release', 'gankit_native.node'))) {
  console.log(`gankit: native backend built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} else {
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const noise = /gyp ERR! (not ok|stack|System|command|cwd|node -v|node-gyp -v)|^gyp info/;
  const useful = lines.filter((l) => !noise.test(l));
  const why = r.error?.message ?? useful.find((l) => /error|not found|no such file|cannot/i.test(l)) ?? useful.pop() ?? 'unknown error';
  console.log(`gankit: native backend not built (${why.slice(0, 200)}); falling back to the TF.js cpu backend`);
  if (process.env.GANKIT_NATIVE_VERBOSE) console.log(r.stdout, r.stderr);
}
process.exit(0);
