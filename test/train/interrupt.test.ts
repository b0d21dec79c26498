import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../src/backend/index.js';
import { startRun, resumeRun, trainRun } from '../../src/train/run.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import type { RunConfigInput } from '../../src/train/config.js';

await initBackend('cpu');
const tiny: RunConfigInput = { data: 'ring8', model: 'mlp', hidden: [4], batchSize: 8, steps: 1000, checkpointEvery: 1000, sampleEvery: 1000, logEvery: 1 };
const DEAD_PID = 2 ** 22 + 4321; // above Linux's default pid_max: no such process

test('an aborted signal: the step under way finishes, is checkpointed, and training stops', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'gankit-abort-')), 'run');
  const run = startRun(tiny, dir);
  const stop = new AbortController();
  stop.abort();
  const r = await trainRun(run, { quiet: true, skipEvaluation: true, signal: stop.signal });
  assert.equal(r.interrupted, true);
  assert.equal(r.step, 1);
  assert.deepEqual(listCheckpoints(dir), [1]);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /Interrupted at step 1 of 1000/);
  run.variant.dispose();
  const resumed = await resumeRun(dir);
  assert.equal(resumed.startStep, 1);
  resumed.variant.dispose();
});

test('resuming a run with no checkpoint is refused, not restarted at step 0', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'gankit-nockpt-')), 'run');
  startRun(tiny, dir).variant.dispose();
  writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1}\n');
  await assert.rejects(resumeRun(dir), /has no checkpoint to resume from/);
  assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), '{"step":1}\n', 'the old metrics are untouched');
});

test('temp entries a killed write left in the run folder are removed when training starts', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'gankit-stale-')), 'run');
  const run = startRun({ ...tiny, steps: 2, checkpointEvery: 2 }, dir);
  const stale = join(dir, 'checkpoints', `.step-000040.${DEAD_PID}.0.tmp`);
  mkdirSync(join(stale, 'generator'), { recursive: true });
  writeFileSync(join(stale, 'generator', 'weights.bin'), new Uint8Array(1024));
  writeFileSync(join(dir, `.metrics.jsonl.${DEAD_PID}.1.tmp`), 'x');
  writeFileSync(join(dir, 'samples', `.step-000001.png.${DEAD_PID}.2.tmp`), 'x');
  await trainRun(run, { quiet: true, skipEvaluation: true });
  assert.ok(!existsSync(stale));
  const temps = [dir, join(dir, 'checkpoints'), join(dir, 'samples')].flatMap((d) => readdirSync(d)).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(temps, []);
  run.variant.dispose();
});

test('gankit train: Ctrl-C finishes the step, writes a checkpoint, says where and exits 130', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'gankit-sigint-')), 'run');
  const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));
  const args = ['--import', 'tsx', entry, 'train', '--data', 'ring8', '--model', 'mlp', '--hidden', '4', '--batch', '8', '--steps', '1000000',
    '--checkpoint-every', '1000000', '--sample-every', '1000000', '--log-every', '1', '--quiet', '--backend', 'cpu', '--out', dir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((ok) => child.on('close', (code) => ok(code)));
  // Wait until it has trained a few steps (its metrics have rows), then press Ctrl-C.
  const metrics = join(dir, 'metrics.jsonl');
  for (let i = 0; i < 1200 && !(existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 3); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  // Without a yield to the event loop the handler never runs: fail rather than hang.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(guard);
  assert.equal(code, 130, stderr);
  const m = /interrupted at step (\d+) of 1000000; checkpoint written to (\S+)\. Continue with: gankit train --resume/.exec(stderr);
  assert.ok(m, stderr);
  const step = Number(m[1]);
  assert.ok(step >= 3);
  assert.deepEqual(listCheckpoints(dir), [step]);
  assert.ok(existsSync(join(m[2], 'trainer.json')));
});
