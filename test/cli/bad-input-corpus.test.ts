import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { startRun, trainRun } from '../../src/train/run.js';
import { main } from '../../src/cli/main.js';
import { BAD_INPUTS, type BadInput } from './bad-input-corpus.data.js';

// The CLI runs in this process (main() returns the exit code), so the whole corpus costs
// about one node start-up instead of one per row.
let fixture: string;

before(async () => {
  // Rows that decode images or draw avatars fill a cache of their own, not the user's.
  process.env.GANKIT_CACHE = join(mkdtempSync(join(tmpdir(), 'gankit-corpus-cache-')), 'cache');
  await initBackend('cpu');
  fixture = join(mkdtempSync(join(tmpdir(), 'gankit-corpus-fixture-')), 'run');
  const run = startRun({ data: 'ring8', model: 'mlp', hidden: [4], batchSize: 8, steps: 2, checkpointEvery: 2, sampleEvery: 2, logEvery: 1 }, fixture);
  await trainRun(run, { quiet: true, skipEvaluation: true });
  run.variant.dispose();
});

/** Runs one row; returns the exit code and everything printed. */
async function runRow(row: BadInput): Promise<{ code: number; out: string[]; err: string[] }> {
  const T = mkdtempSync(join(tmpdir(), 'gankit-corpus-'));
  const RUN = join(T, 'run');
  for (const [name, content] of Object.entries(row.files ?? {})) {
    const path = join(T, name);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'object' && 'dir' in content) mkdirSync(path);
    else writeFileSync(path, content);
  }
  const needsRun = row.args.some((a) => a.includes('$RUN')) || row.damage !== undefined;
  if (needsRun) cpSync(fixture, RUN, { recursive: true });
  for (const [rel, content] of Object.entries(row.damage ?? {})) {
    if (content === null) rmSync(join(RUN, rel), { recursive: true, force: true });
    else writeFileSync(join(RUN, rel), content);
  }
  const args = row.args.map((a) => a.replaceAll('$RUN', RUN).replaceAll('$T', T));
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stdout.write.bind(process.stdout);
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stdout.write = ((s: string | Uint8Array) => out.push(String(s)) > 0) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main(args);
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
  }
  // Nothing the failed command wrote may be left half-done beside its inputs.
  const leftovers = readdirSync(T, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'temp files left behind');
  rmSync(T, { recursive: true, force: true });
  return { code, out, err };
}

test(`bad-input corpus: ${BAD_INPUTS.length} bad inputs, each one clear line and the right exit code`, async () => {
  const failures: string[] = [];
  for (const row of BAD_INPUTS) {
    const what = `gankit ${row.args.join(' ')}${row.damage ? ` (damaged: ${Object.keys(row.damage).join(', ')})` : ''}`;
    const { code, err } = await runRow(row);
    const message = err.filter((l) => !/^(backend|note):/.test(l));
    const problems: string[] = [];
    if (code !== row.code) problems.push(`exit ${code}, want ${row.code}`);
    if (!message.some((l) => l.includes(row.phrase))) problems.push(`no line contains '${row.phrase}'`);
    if (message.length !== 1) problems.push(`${message.length} lines, want 1`);
    if (message.some((l) => /--verbose for details|\n\s+at /.test(l))) problems.push('a raw error, not a message');
    if (problems.length) failures.push(`${what}: ${problems.join('; ')}\n    got: ${message.join(' | ')}`);
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
});
