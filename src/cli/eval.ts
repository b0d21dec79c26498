import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { openRun } from '../train/run.js';
import { evaluateVariant, type Evaluation } from '../train/evaluate.js';
import { readNpy, checkSamples } from '../io/npy.js';
import { LIMITS } from '../train/limits.js';
import { parseFlags, intFlag, choiceFlag } from './args.js';
import { UsageError } from './errors.js';

export const EVAL_HELP = `Usage: gankit eval --run DIR [--step N] [--n N] [--json]
       gankit eval --real REAL.npy --fake FAKE.npy [--json]

Scores a run's generator, or any two sample sets.
2D mixtures (ring8, grid25, ...): modes captured, high-quality share (within 3 std of the
nearest mode) and reverse KL over modes, on 2,500 samples (the PacGAN protocol).
Images: scores on features of gankit's own MNIST classifier.

  --run DIR        a run folder made by gankit train
  --step N         which checkpoint (default: the latest)
  --n N            samples to score (default 2500 for 2D, 1000 for images)
  --real, --fake   .npy files: [N,2] points or [N,H,W,C] images in [0,1]
  --seed N         seed of the latent draws (default 0)
  --json           print JSON instead of a table
  --backend NAME   auto, ${NODE_BACKENDS.join(', ')}
`;

export function printEvaluation(e: Evaluation, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(e, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(e).map((k) => k.length));
  for (const [k, v] of Object.entries(e)) {
    const shown = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v);
    console.log(`${k.padEnd(width)}  ${shown}`);
  }
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('eval', argv, {
    run: { type: 'string' },
    step: { type: 'string' },
    n: { type: 'string' },
    real: { type: 'string' },
    fake: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(EVAL_HELP);
    return 0;
  }
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  if (values.real || values.fake) {
    if (!values.real || !values.fake) throw new UsageError('give both --real REAL.npy and --fake FAKE.npy');
    if (values.run) throw new UsageError('give either --run or --real/--fake, not both');
    const real = readNpy(values.real);
    const fake = readNpy(values.fake);
    checkSamples(real, values.real);
    checkSamples(fake, values.fake);
    await initBackend(backend as BackendRequest);
    const { evaluateArrayPair } = await import('../train/evaluate-arrays.js');
    printEvaluation(await evaluateArrayPair(real, fake), values.json === true);
    return 0;
  }
  if (!values.run) throw new UsageError('gankit eval needs --run DIR, or --real and --fake .npy files');
  await initBackend(backend as BackendRequest);
  const n = intFlag('n', values.n, 1, LIMITS.samples);
  const run = await openRun(values.run, { step: intFlag('step', values.step, 0), weightsOnly: true });
  if (run.startStep === 0) throw new UsageError(`${values.run} has no checkpoint yet; train it first`);
  const e = await evaluateVariant(run.variant, run.data, { seed: intFlag('seed', values.seed, 0) ?? 0, n });
  printEvaluation({ run: values.run, step: run.startStep, ...e }, values.json === true);
  return 0;
}
