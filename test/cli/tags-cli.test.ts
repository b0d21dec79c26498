// `gankit train` on tagged images and `gankit sample --tags`: the flags and their errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gankit, gankitAsync } from './helpers.js';
import { readNpy } from '../../src/io/npy.js';

const root = mkdtempSync(join(tmpdir(), 'gankit-tags-cli-'));
const env = { GANKIT_CACHE: join(root, 'cache') };
const folder = join(root, 'avatars');
const tagRun = join(root, 'tag-run');
const classRun = join(root, 'class-run');
after(() => rmSync(root, { recursive: true, force: true }));

test('a cgan on an image folder with only tags conditions on them; sample --tags and its errors', async () => {
  const made = gankit(['data', 'avatars', '--n', '12', '--resolution', '16', '--out', folder, '--quiet'], { env });
  assert.equal(made.code, 0, made.stderr);
  const [t, c] = await Promise.all([
    gankitAsync(['train', '--variant', 'cgan', '--data', `images:${folder}`, '--labels', join(folder, 'tags.csv'), '--resolution', '16',
      '--model', 'mlp', '--hidden', '16', '--latent-dim', '4', '--steps', '2', '--batch', '4', '--out', tagRun, '--quiet'], { env }),
    gankitAsync(['train', '--variant', 'cgan', '--data', 'ring8', '--model', 'mlp', '--hidden', '8', '--steps', '2', '--batch', '8', '--out', classRun, '--quiet'], { env }),
  ]);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(c.code, 0, c.stderr);
  // A tag every one of the 12 avatars' hair colours names; the first row's.
  const firstRow = readFileSync(join(folder, 'tags.csv'), 'utf8').split('\n')[1];
  const hair = /"(?:[^"]*, )?((?:red|orange|blonde|brown|black|grey|green|blue|pink|purple) hair)/.exec(firstRow)![1];
  const out = join(root, 'tagged.npy');
  const [ok, unknown, label, both, onClasses, wrongCondition, conditionOnGan] = await Promise.all([
    gankitAsync(['sample', '--run', tagRun, '--n', '6', '--tags', ` ${hair.toUpperCase()} `, '--out', out], { env }),
    gankitAsync(['sample', '--run', tagRun, '--n', '6', '--tags', 'purple hiar', '--out', join(root, 'u.npy')], { env }),
    gankitAsync(['sample', '--run', tagRun, '--n', '6', '--label', '1', '--out', join(root, 'l.npy')], { env }),
    gankitAsync(['sample', '--run', tagRun, '--n', '6', '--label', '1', '--tags', hair, '--out', join(root, 'b.npy')], { env }),
    gankitAsync(['sample', '--run', classRun, '--n', '6', '--tags', hair, '--out', join(root, 'c.npy')], { env }),
    gankitAsync(['train', '--variant', 'cgan', '--data', 'ring8', '--condition', 'tags', '--steps', '1', '--out', join(root, 'x'), '--quiet'], { env }),
    gankitAsync(['train', '--variant', 'gan', '--data', 'ring8', '--condition', 'tags', '--steps', '1', '--out', join(root, 'y'), '--quiet'], { env }),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`wrote 6 samples \\(shape \\[6, 16, 16, 3\\]\\) with ${hair} \\(tag sets drawn among the \\d+ of the data that carry it\\)`));
  assert.deepEqual(readNpy(out).shape, [6, 16, 16, 3]);
  for (const [r, pattern] of [
    [unknown, /^gankit: unknown tag 'purple hiar'; this run knows: .*glasses|^gankit: unknown tag 'purple hiar'; this run knows: .*hair/],
    [label, /this cgan run conditions on tags, not classes; use --tags/],
    [both, /--label picks one class and --tags a set of tags; give one of them/],
    [onClasses, /this cgan run conditions on 8 classes, not tags; use --label K \(0–7\)/],
  ] as const) {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  assert.notEqual(wrongCondition.code, 0);
  assert.match(wrongCondition.stderr, /--condition tags needs data with tags, but 'ring8' has none/);
  assert.equal(conditionOnGan.code, 2);
  assert.match(conditionOnGan.stderr, /--condition is for --variant cgan, acgan, projection; this run is --variant gan/);
});
