import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, NODE_BACKENDS, type BackendRequest, type NodeBackendName } from '../backend/index.js';
import { LOSS_TYPES, WGAN_GP_LAMBDA, WGAN_GP_POINTS, resolveConfig, type RunConfigInput, type LossConfig } from '../train/config.js';
import { MODEL_NAMES } from '../nets/types.js';
import { variantNames, variantSummary } from '../gans/index.js';
import { datasetNames, datasetKind, prepareDataset } from '../data/index.js';
import { DATA_FLAGS, DATA_FLAGS_HELP, dataOptionsFromFlags } from './data-flags.js';
import { startRun, openRun, resumeRun, trainRun } from '../train/run.js';
import { LIMITS } from '../train/limits.js';
import { checkpointName, listCheckpoints } from '../train/checkpoint.js';
import { parseFlags, intFlag, numberFlag, choiceFlag, optionFlags } from './args.js';
import { UsageError } from './errors.js';
import { fsReason } from '../io/fs-errors.js';
import { TTUR_OPTIMIZERS } from '../gans/stabilisers.js';
import { CONDITIONAL_VARIANTS, CONDITIONS } from '../gans/conditional.js';

/**
 * The bundled default: DCGAN on the bundled MNIST digits, a few minutes on 2 cores. Adam at
 * 8e-4 (4× DCGAN's 2e-4) and an EMA generator were the best of the recipes measured for
 * this budget (docs/quality.md): FD 86 → 48 at 1,500 steps.
 */
const DEFAULT_ADAM = { type: 'adam', learningRate: 8e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 } as const;
export const DEFAULT_TRAIN: RunConfigInput = {
  data: 'mnist',
  model: 'dcgan',
  loss: { type: 'non-saturating' },
  steps: 1500,
  batchSize: 64,
  optimizerG: DEFAULT_ADAM,
  optimizerD: DEFAULT_ADAM,
  // R1 at γ = 1: FD 51 → 44 and class KL 0.044 → 0.019 for +23% step time (docs/quality.md).
  options: { emaDecay: 0.995, r1Gamma: 1 },
};

export const TRAIN_HELP = `Usage: gankit train [flags]

Trains a GAN and writes a run folder (config.json, samples/, checkpoints/, metrics.jsonl,
report.html). With no flags: DCGAN on the bundled MNIST digits.

  --config FILE.json     a config file (flags override it)
  --data NAME            ${datasetNames().join(', ')}
${DATA_FLAGS_HELP}
  --model NAME           ${MODEL_NAMES.join(', ')}
  --variant NAME         ${variantNames().join(', ')} (default gan)
  --loss NAME            ${LOSS_TYPES.join(', ')}
  --steps N              generator iterations in total
  --batch N              batch size
  --critic-steps N       discriminator steps per generator step (k)
  --lr-g X, --lr-d X     learning rates of G and D (TTUR: give different ones)
  --latent-dim N         size of z
  --hidden A,B,...       hidden widths of the mlp model; for dcgan (variants gan, sngan,
                         sagan), G's channels per feature map, e.g. 256,128 at 28×28
  --label-smoothing X    one-sided: D's target for real samples (e.g. 0.9)
  --lr-decay START       both rates fall linearly to 0 from this share of the steps on
                         (0.5: the second half, as pix2pix and CycleGAN train)
  --gp-weight X          WGAN-GP's λ (default 10 on images, 0.1 on 2D points)
  --clip X               WGAN's weight clip c (default 0.01)
  --ttur                 two time-scale update rule: G Adam(1e-4), D Adam(4e-4), β=(0, 0.9)
  --condition classes|tags  cgan, acgan, projection: condition on one class per sample or on a
                         multi-hot tag set (default: classes where the data has them, else tags;
                         --data avatars and images:DIR --labels FILE have tags)
  --option KEY=VALUE     a variant or stabiliser option (repeatable; VALUE is JSON or text),
                         e.g. --option emaDecay=0.999 --option spectralNorm=true
  --seed N               seed of everything random (default 0)
  --out DIR              run folder (default runs/<data>-<variant>-<loss>-<time>)
  --resume DIR           continue a run from its latest checkpoint (--steps raises its target)
  --sample-every N, --checkpoint-every N, --log-every N
  --backend NAME         auto, ${NODE_BACKENDS.join(', ')} (default auto)
  --threads N            threads of the native backend
  --quiet                no progress bar
  --verbose              stack traces on errors
  --help                 this text

Defaults that depend on the loss and the data:
  non-saturating etc.    Adam β=(0.5, 0.999), lr 2e-4 (images) or 1e-3 (2D points), k=1
  wgan                   RMSProp lr 5e-5, k=5, clip 0.01 (Arjovsky et al.)
  wgan-gp on images      Adam(1e-4, β=(0.5, 0.9)), k=5, λ=10 (Gulrajani et al.)
  wgan-gp on 2D points   Adam(${WGAN_GP_POINTS.learningRate}, β=(0.5, 0.9)), k=5, λ=${WGAN_GP_LAMBDA.points}, batch ${WGAN_GP_POINTS.batchSize}: the paper's toy
                         code (its λ and batch) at a higher rate, so a few thousand steps suffice

Variants:
${variantNames().map((v) => `  ${v.padEnd(12)} ${variantSummary(v)}`).join('\n')}
`;

const FLAGS = {
  config: { type: 'string' },
  data: { type: 'string' },
  model: { type: 'string' },
  variant: { type: 'string' },
  loss: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  'critic-steps': { type: 'string' },
  'lr-g': { type: 'string' },
  'lr-d': { type: 'string' },
  'latent-dim': { type: 'string' },
  hidden: { type: 'string' },
  'label-smoothing': { type: 'string' },
  'lr-decay': { type: 'string' },
  'gp-weight': { type: 'string' },
  clip: { type: 'string' },
  seed: { type: 'string' },
  ttur: { type: 'boolean' },
  option: { type: 'string', multiple: true },
  condition: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'log-every': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...DATA_FLAGS,
} as const;

function readConfigFile(path: string): RunConfigInput {
  if (!existsSync(path)) throw new UsageError(`config file not found: ${path}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config file ${path}: ${fsReason(e)}`);
  }
  let parsed: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse rejects it.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${path} must hold a JSON object of settings, e.g. {"data": "ring8", "steps": 2000}; it holds ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}`);
  }
  return parsed as RunConfigInput;
}

function defaultOutDir(c: RunConfigInput): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const data = (c.data ?? 'mnist').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 24);
  return join('runs', `${data}-${c.variant ?? 'gan'}-${c.loss?.type ?? 'non-saturating'}-${stamp}`);
}

/** Merges config file and flags into one config input, flags winning. */
export function configFromFlags(values: Record<string, string | boolean | string[] | undefined>): RunConfigInput {
  const str = (k: string) => values[k] as string | undefined;
  const noFlags = ['config', 'data', 'model', 'variant', 'loss'].every((k) => values[k] === undefined);
  const base: RunConfigInput = str('config') ? readConfigFile(str('config') as string) : noFlags ? { ...DEFAULT_TRAIN } : {};
  const c: RunConfigInput = { ...base };
  if (str('data')) c.data = str('data');
  const dataOptions = dataOptionsFromFlags(values, c.dataOptions);
  if (dataOptions) c.dataOptions = dataOptions;
  if (str('model')) c.model = choiceFlag('model', str('model'), MODEL_NAMES);
  if (str('variant')) c.variant = choiceFlag('variant', str('variant'), variantNames());
  const lossType = choiceFlag('loss', str('loss'), LOSS_TYPES);
  if (lossType) c.loss = { type: lossType } as LossConfig;
  const gp = numberFlag('gp-weight', str('gp-weight'), { positive: true });
  if (gp !== undefined) {
    if (c.loss?.type !== 'wgan-gp') throw new UsageError('--gp-weight needs --loss wgan-gp');
    c.loss = { type: 'wgan-gp', gradientPenaltyWeight: gp };
  }
  const clip = numberFlag('clip', str('clip'), { positive: true });
  if (clip !== undefined) {
    if (c.loss?.type !== 'wgan') throw new UsageError('--clip needs --loss wgan');
    c.loss = { type: 'wgan', clipValue: clip };
  }
  const set = <K extends keyof RunConfigInput>(k: K, v: RunConfigInput[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  set('steps', intFlag('steps', str('steps'), 1, LIMITS.steps));
  set('batchSize', intFlag('batch', str('batch'), 1, LIMITS.batch));
  set('criticSteps', intFlag('critic-steps', str('critic-steps'), 1, LIMITS.criticSteps));
  set('latentDim', intFlag('latent-dim', str('latent-dim'), 1, LIMITS.width));
  set('seed', intFlag('seed', str('seed'), 0));
  set('sampleEvery', intFlag('sample-every', str('sample-every'), 1, LIMITS.every));
  set('checkpointEvery', intFlag('checkpoint-every', str('checkpoint-every'), 1, LIMITS.every));
  set('logEvery', intFlag('log-every', str('log-every'), 1, LIMITS.every));
  set('realLabel', numberFlag('label-smoothing', str('label-smoothing'), { positive: true, max: 1 }));
  if (str('hidden') !== undefined) {
    const widths = (str('hidden') as string).split(',').map((w) => (/^\s*\d+\s*$/.test(w) ? Number(w) : NaN));
    if (widths.some((w) => !Number.isInteger(w) || w < 1 || w > LIMITS.width.max)) throw new UsageError(`--hidden takes positive integers separated by commas, e.g. 128,128 (each at most ${LIMITS.width.max}); got '${str('hidden')}'`);
    c.hidden = widths;
  }
  const options = values.option as string[] | undefined;
  if (options?.length) c.options = { ...(c.options ?? {}), ...optionFlags(options) };
  const condition = choiceFlag('condition', str('condition'), CONDITIONS);
  if (condition) {
    const variant = c.variant ?? 'gan';
    if (!CONDITIONAL_VARIANTS.includes(variant)) throw new UsageError(`--condition is for --variant ${CONDITIONAL_VARIANTS.join(', ')}; this run is --variant ${variant}`);
    c.options = { ...(c.options ?? {}), condition };
  }
  if (values.ttur) {
    if (values['lr-g'] !== undefined || values['lr-d'] !== undefined) throw new UsageError('--ttur sets both learning rates; drop --lr-g/--lr-d or --ttur');
    c.optimizerG = { ...TTUR_OPTIMIZERS.optimizerG };
    c.optimizerD = { ...TTUR_OPTIMIZERS.optimizerD };
  }
  const decayStart = numberFlag('lr-decay', str('lr-decay'));
  if (decayStart !== undefined) {
    if (!(decayStart >= 0 && decayStart < 1)) throw new UsageError(`--lr-decay is the share of the steps after which the rates fall, at least 0 and below 1 (0.5: the second half); got '${str('lr-decay')}'`);
    c.lrDecay = { start: decayStart, final: 0 };
  }
  const lrG = numberFlag('lr-g', str('lr-g'), { positive: true });
  const lrD = numberFlag('lr-d', str('lr-d'), { positive: true });
  if (lrG !== undefined || lrD !== undefined) {
    // Fill the loss's default optimizers first, then change only the learning rates.
    const kind = datasetKind(c.data ?? 'mnist', c.dataOptions);
    const resolved = resolveConfig(c, kind);
    c.optimizerG = { ...resolved.optimizerG, learningRate: lrG ?? resolved.optimizerG.learningRate };
    c.optimizerD = { ...resolved.optimizerD, learningRate: lrD ?? resolved.optimizerD.learningRate };
  }
  return c;
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('train', argv, FLAGS);
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const backendReq = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  const threads = intFlag('threads', values.threads);
  if (values.resume) {
    const conflicting = ['config', 'data', 'model', 'variant', 'loss', 'out', 'seed', 'batch', 'option', 'condition', 'ttur', 'lr-g', 'lr-d', 'lr-decay', 'label-smoothing', 'critic-steps', 'latent-dim', 'hidden', ...Object.keys(DATA_FLAGS)].filter((k) => values[k as keyof typeof values] !== undefined);
    if (conflicting.length) throw new UsageError(`--resume continues a run with its own config; drop --${conflicting.join(', --')} (only --steps may change)`);
    // The backend must be active before the run is built: variables and optimizers made on
    // another backend take its arithmetic (and TF.js's own Adam) into the resumed steps.
    const choice = await initResumeBackend(values.resume, backendReq as BackendRequest, threads);
    printBackend(choice);
    const run = await resumeRun(values.resume, { steps: intFlag('steps', values.steps, 1, LIMITS.steps) });
    if (run.startStep >= run.config.steps) {
      run.variant.dispose();
      console.log(`${values.resume} already finished ${run.startStep} of ${run.config.steps} steps; raise the target with --steps N`);
      return 0;
    }
    return finish(run, choice.name, values.quiet === true);
  }
  const input = configFromFlags(values);
  const out = values.out ?? defaultOutDir(input);
  const choice = await initBackend(backendReq as BackendRequest, { threads });
  printBackend(choice);
  await prepareDataset(input.data ?? 'mnist', input.dataOptions, { quiet: values.quiet === true });
  return finish(startRun(input, out), choice.name, values.quiet === true);
}

/**
 * A resumed run continues bit for bit only on the backend it trained on, so `--backend auto`
 * means that one (recorded in each checkpoint's trainer.json) when it is still available.
 */
async function initResumeBackend(dir: string, request: BackendRequest, threads: number | undefined) {
  const recorded = recordedBackend(dir);
  if (request !== 'auto' || recorded === null) return initBackend(request, { threads });
  try {
    const choice = await initBackend(recorded, { threads });
    return { ...choice, reason: 'the backend this run trained on' };
  } catch {
    const choice = await initBackend('auto', { threads });
    if (choice.name !== recorded) choice.notes.push(`this run trained on '${recorded}', which is not available here: it continues, but not bit for bit as one uninterrupted run would`);
    return choice;
  }
}

function recordedBackend(dir: string): NodeBackendName | null {
  const steps = listCheckpoints(dir);
  if (steps.length === 0) return null;
  try {
    const state = JSON.parse(readFileSync(join(dir, 'checkpoints', checkpointName(steps[steps.length - 1]), 'trainer.json'), 'utf8')) as { backend?: unknown };
    return typeof state.backend === 'string' && (NODE_BACKENDS as readonly string[]).includes(state.backend) ? (state.backend as NodeBackendName) : null;
  } catch {
    return null; // resumeRun reports a damaged checkpoint with its own message
  }
}

function printBackend(choice: { name: string; reason: string; notes: string[] }): void {
  for (const n of choice.notes) console.error(`note: ${n}`);
  console.error(`backend: ${choice.name} (${choice.reason})`);
}

async function finish(run: Awaited<ReturnType<typeof openRun>>, backendName: string, quiet: boolean): Promise<number> {
  const c = run.config;
  // Variants with their own objective do not read --loss; don't claim one.
  const loss = ['lsgan-qi', 'cyclegan'].includes(c.variant) ? '' : ` / ${c.loss.type}`;
  console.error(
    `${run.startStep > 0 ? `resuming ${run.dir} at step ${run.startStep}` : `training into ${run.dir}`}: ${c.variant} / ${c.model}${loss} on ${c.data}, ${c.steps} steps, batch ${c.batchSize}, k=${c.criticSteps}, seed ${c.seed}`,
  );
  // Ctrl-C: finish the step under way, checkpoint it, then stop; a second Ctrl-C quits at once.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    console.error('\ngankit: stopping after this step (Ctrl-C again to quit without a checkpoint)');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await trainRun(run, { quiet, backendName, signal: stop.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (result.interrupted) {
    console.error(`gankit: interrupted at step ${result.step} of ${c.steps}; checkpoint written to ${join(run.dir, 'checkpoints', checkpointName(result.step))}. Continue with: gankit train --resume ${run.dir}`);
    return 130;
  }
  if (result.diverged) {
    console.error(
      `gankit: ${result.diverged.message}; stopped. The last good checkpoint is ${result.lastCheckpoint === null ? 'none (no checkpoint was written before it)' : join(run.dir, 'checkpoints', checkpointName(result.lastCheckpoint))}. Lower the learning rates (--lr-g/--lr-d) or try --loss wgan-gp.`,
    );
    return 1;
  }
  console.log(`done: ${result.step} steps in ${run.dir}`);
  console.log(`  samples:    ${join(run.dir, 'samples')}/`);
  console.log(`  report:     ${join(run.dir, 'report.html')}`);
  console.log(`  checkpoint: ${join(run.dir, 'checkpoints', checkpointName(result.step))}`);
  console.log(`next: gankit sample --run ${run.dir} --n 64 --out samples.png   |   gankit eval --run ${run.dir}`);
  return 0;
}
