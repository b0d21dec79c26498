import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gankit, gankitAsync } from './helpers.js';

/** One clear line on stderr, a non-zero exit, no stack trace. */
function assertCleanError(r: { code: number; stderr: string }, pattern: RegExp) {
  assert.notEqual(r.code, 0, 'exit code is not 0');
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('gankit:'));
  assert.equal(lines.length, 1, `one error line, got: ${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
}

const tmp = mkdtempSync(join(tmpdir(), 'gankit-cli-'));

const cases: [string, string[], RegExp][] = [
  ['unknown command', ['trian'], /unknown command 'trian'.*train/],
  ['unknown flag', ['train', '--stpes', '10'], /unknown flag --stpes/],
  ['unknown model', ['train', '--model', 'resnet9000'], /unknown model 'resnet9000'.*mlp/],
  ['unknown loss', ['train', '--loss', 'wgan-xx'], /unknown loss 'wgan-xx'.*wgan-gp/],
  ['unknown data', ['train', '--data', 'imagenet', '--out', join(tmp, 'a')], /unknown data 'imagenet'/],
  ['missing IDX path', ['train', '--data', `idx:${join(tmp, 'missing')}`, '--out', join(tmp, 'b')], /no such file/],
  ['bad number', ['train', '--steps', 'ten'], /--steps must be a whole number/],
  ['negative lr', ['train', '--lr-g=-1'], /--lr-g must be a positive number/],
  ['negative number without =', ['train', '--lr-g', '-1'], /joined to its flag/],
  ['dcgan on points', ['train', '--data', 'ring8', '--model', 'dcgan', '--out', join(tmp, 'c')], /dcgan needs image data/],
  ['gp weight without wgan-gp', ['train', '--gp-weight', '5'], /--gp-weight needs --loss wgan-gp/],
  ['unknown backend', ['train', '--backend', 'cuda'], /unknown backend 'cuda'/],
  ['sample without run', ['sample', '--n', '4', '--out', join(tmp, 'x.npy')], /needs --run/],
  ['sample from a non-run folder', ['sample', '--run', tmp, '--n', '4', '--out', join(tmp, 'x.npy')], /not a gankit run folder/],
  ['sample to a wrong extension', ['sample', '--run', tmp, '--n', '4', '--out', join(tmp, 'x.jpg')], /must end in \.npy, \.png or \.txt/],
  ['eval with one side only', ['eval', '--real', join(tmp, 'r.npy')], /both --real/],
  ['eval of a corrupt npy', ['eval', '--real', join(tmp, 'bad.npy'), '--fake', join(tmp, 'bad.npy')], /not a .npy file/],
  ['config file missing', ['train', '--config', join(tmp, 'nope.json')], /config file not found/],
  ['config file with a bad field', ['train', '--config', join(tmp, 'badcfg.json'), '--out', join(tmp, 'd')], /invalid batchSize/],
];

writeFileSync(join(tmp, 'bad.npy'), 'not numpy');
writeFileSync(join(tmp, 'badcfg.json'), JSON.stringify({ data: 'ring8', model: 'mlp', batchSize: -3 }));

// Each case is a separate process; run them a few at a time.
describe('CLI errors are one clear line', { concurrency: 4 }, () => {
  for (const [name, args, pattern] of cases) {
    test(name, async () => assertCleanError(await gankitAsync(args), pattern));
  }
});

test('--verbose adds the stack trace', () => {
  const r = gankit(['train', '--data', 'imagenet', '--out', join(tmp, 'v'), '--verbose']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /at .+:\d+:\d+/);
});

test('--help works on every command and exits 0', () => {
  for (const cmd of ['train', 'sample', 'eval', 'info']) {
    const r = gankit([cmd, '--help']);
    assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: gankit ${cmd}`));
  }
  assert.match(gankit(['--help']).stdout, /Commands:/);
});

test('a failed run leaves no run folder behind that would block a retry', () => {
  assert.ok(!existsSync(join(tmp, 'c')), 'the dcgan-on-points mistake created nothing');
});
