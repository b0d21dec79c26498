/**
 * Tag accuracy of a tag-conditioned avatar run: for each tag, the share of samples drawn with
 * it that the avatar attribute classifier gives it (docs/data.md, "Tag-conditioned generation").
 *
 *   npx tsx scripts/tag-accuracy.ts --run runs/tags-cgan32 --tags "red hair,black hair" [--n 500] [--step N] [--seed 0] [--truncation ψ]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend/index.js';
import { openRun } from '../src/train/run.js';
import { avatarTagAccuracy } from '../src/train/evaluate-features.js';

const { values } = parseArgs({ options: { run: { type: 'string' }, tags: { type: 'string' }, n: { type: 'string' }, step: { type: 'string' }, seed: { type: 'string' }, truncation: { type: 'string' } } });
if (!values.run || !values.tags) {
  console.error('usage: npx tsx scripts/tag-accuracy.ts --run DIR --tags "red hair,black hair" [--n 500] [--step N] [--seed 0]');
  process.exit(2);
}
await initBackend('auto');
const run = await openRun(values.run, { step: values.step ? Number(values.step) : undefined, weightsOnly: true });
const n = Number(values.n ?? 500);
console.log(`${values.run} step ${run.startStep}, ${n} samples per tag${values.truncation ? `, truncation ${values.truncation}` : ''}`);
console.log('| tag | with --tags | without (data\'s tag sets) | real images with the tag |');
console.log('|---|---|---|---|');
for (const tag of values.tags.split(',').map((t) => t.trim())) {
  const a = await avatarTagAccuracy(run.variant, run.data, tag, { seed: Number(values.seed ?? 0), n, truncation: values.truncation ? Number(values.truncation) : undefined });
  console.log(`| ${tag} | ${(100 * a.conditioned).toFixed(1)} % | ${(100 * a.unconditioned).toFixed(1)} % | ${(100 * a.realWithTag).toFixed(1)} % |`);
}
