/**
 * SeqGAN iteration time on one backend (BENCHMARKS.md, text section): 5 iterations after a
 * warm-up, batch 64, for maximum-likelihood pre-training and for the policy gradient.
 *
 *   npx tsx scripts/seqgan-backends.ts native|wasm|cpu
 */
import { initBackend } from '../src/backend/index.js';
import { loadDataset } from '../src/data/index.js';
import { createVariant } from '../src/gans/index.js';
import { resolveConfig } from '../src/train/config.js';
import { iterationContext } from '../src/train/trainer.js';
const backend = process.argv[2] as 'native';
await initBackend(backend);
const data = loadDataset('words');
const out: string[] = [];
for (const [phase, pretrainSteps] of [['MLE', 100], ['policy gradient', 0]] as const) {
  const config = resolveConfig({ variant: 'seqgan', data: 'words', batchSize: 64, seed: 1, steps: 100, options: { pretrainSteps } }, data.kind);
  const v = createVariant(config, data);
  v.trainIteration(iterationContext(config, data, 0));
  const t0 = performance.now();
  for (let s = 1; s <= 5; s++) v.trainIteration(iterationContext(config, data, s));
  out.push(`${phase} ${((performance.now() - t0) / 5).toFixed(0)} ms`);
  v.dispose();
}
console.log(backend, out.join(', '));
