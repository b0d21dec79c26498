import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { openTrainedRun, parseFlags, intFlag, choiceFlag } from './args.js';
import { evaluateVariant, type Evaluation } from '../train/evaluate.js';
import { readNpy, checkSamples } from '../io/npy.js';
import { LIMITS } from '../train/limits.js';
import { UsageError } from './errors.js';

export const EVAL_HELP = `Usage: gankit eval --run DIR [--step N] [--n N] [--json]
       gankit eval --real REAL.npy --fake FAKE.npy [--json]

Scores a run's generator, or any two sample sets.
2D mixtures (ring8, grid25, ...): modes captured, high-quality share (within 3 std of the
nearest mode) and reverse KL over modes, on 2,500 samples (the PacGAN protocol).
Images: scores on features of gankit's own MNIST classifier, or with --features on any
TF.js Layers model you have (for example an Inception you converted): Fréchet distance,
KID, precision/recall and density/coverage on its outputs.

  --run DIR        a run folder made by gankit train
  --step N         which checkpoint (default: the latest)
  --n N            samples to score (default 2500 for 2D, 1000 for images)
  --real, --fake   .npy files: [N,2] points or [N,H,W,C] images in [0,1]
  --seed N         seed of the latent draws (default 0)
  --features FILE  a TF.js Layers model.json whose output (or --features-layer) is the feature vector
  --features-layer NAME   the layer whose output is the feature vector (default: the model's output)
  --features-range LO,HI  the pixel range the feature model expects (default 0,1)
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
    features: { type: 'string' },
    'features-layer': { type: 'string' },
    'features-range': { type: 'string' },
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
  if (values.features) return featuresEval(values, backend as BackendRequest);
  if (values['features-layer'] || values['features-range']) throw new UsageError('--features-layer and --features-range go with --features MODEL.json');
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
  const run = await openTrainedRun(values.run, { step: intFlag('step', values.step, 0), weightsOnly: true });
  const e = await evaluateVariant(run.variant, run.data, { seed: intFlag('seed', values.seed, 0) ?? 0, n });
  printEvaluation({ run: values.run, step: run.startStep, ...e }, values.json === true);
  return 0;
}

function featureRange(raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] >= parts[1]) throw new UsageError(`--features-range takes LO,HI with LO < HI, e.g. -1,1; got '${raw}'`);
  return [parts[0], parts[1]];
}

/** `gankit eval --features MODEL.json`: the feature metrics on a user's own extractor. */
async function featuresEval(values: Record<string, string | boolean | undefined>, backend: BackendRequest): Promise<number> {
  const str = (k: string) => values[k] as string | undefined;
  const range = featureRange(str('features-range'));
  await initBackend(backend);
  const { loadFeatureExtractor } = await import('../metrics/feature-model.js');
  const ext = await loadFeatureExtractor(str('features') as string, { layer: str('features-layer'), range });
  const { featureEvaluation, evaluateVariantWithFeatures } = await import('../train/evaluate-features.js');
  if (str('real') || str('fake')) {
    if (!str('real') || !str('fake')) throw new UsageError('give both --real REAL.npy and --fake FAKE.npy');
    const real = readNpy(str('real') as string);
    const fake = readNpy(str('fake') as string);
    if (real.shape.length !== 4 || fake.shape.length !== 4 || real.shape.slice(1).join() !== fake.shape.slice(1).join()) {
      throw new UsageError(`--features needs two image arrays [N, H, W, C] of one image shape; got [${real.shape}] and [${fake.shape}]`);
    }
    printEvaluation(featureEvaluation(ext, real.data, fake.data, real.shape.slice(1) as [number, number, number]), values.json === true);
    return 0;
  }
  if (!str('run')) throw new UsageError('gankit eval --features needs --run DIR, or --real and --fake .npy files');
  const run = await openTrainedRun(str('run') as string, { step: intFlag('step', str('step'), 0) });
  const e = evaluateVariantWithFeatures(run.variant, run.data, ext, { seed: intFlag('seed', str('seed'), 0) ?? 0, n: intFlag('n', str('n')) });
  printEvaluation({ run: str('run') as string, step: run.startStep, ...e }, values.json === true);
  return 0;
}
