import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { loadDataset } from '../data/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { imageGrid } from '../io/grid.js';
import { writePng } from '../io/png.js';
import {
  AUGMENT_ARMS,
  AUGMENT_DEFAULTS,
  AUGMENT_VARIANTS,
  augmentTable,
  checkAugmentSettings,
  runAugment,
  type AugmentArm,
  type AugmentSettings,
  type LabelledImages,
} from '../train/augment.js';
import { LIMITS } from '../train/limits.js';
import { choiceFlag, intFlag, numberFlag, optionFlags, parseFlags } from './args.js';
import { UsageError } from './errors.js';

const d = AUGMENT_DEFAULTS;
/** The networks the conditional generators and discriminators are built in (src/nets/conditional.ts). */
const CONDITIONAL_MODELS = ['dcgan', 'mlp'] as const;

export const AUGMENT_HELP = `Usage: gankit augment [--labels 100[,500,1000]] [--out FILE.json] [flags]

GAN data augmentation, measured: a class-conditional GAN learns a small labelled subset of
the bundled MNIST digits, generates N labelled samples, and the same classifier is trained on
the real subset alone and on real + generated. Prints the held-out accuracy of each (on the
999 held-out digits: 10% of every class, the set gankit's feature classifier holds out) and
writes them as JSON.

  --labels N[,N...]      real labels per experiment, balanced over the classes (default ${d.labels.join(',')})
  --variant NAME         the conditional GAN: ${AUGMENT_VARIANTS.join(', ')} (default ${d.variant};
                         cgan's samples ignored their labels at these budgets, see docs/tools.md)
  --model NAME           its networks: ${CONDITIONAL_MODELS.join(', ')} (default ${d.model})
  --gan-steps N          its training iterations (default ${d.ganSteps}; the ssgan arm trains as many)
  --gan-batch N          its batch size (default ${d.ganBatch})
  --n N                  generated labelled samples, classes in turn (default ${d.generated})
  --classifier-steps N   classifier updates, the same for every arm (default ${d.classifierSteps})
  --classifier-batch N   classifier batch size (default ${d.classifierBatch})
  --option KEY=VALUE     an option of the conditional GAN (repeatable), as for gankit train,
                         e.g. --option diffAugment=color,translation,cutout
  --real-share X         share of each real + generated batch taken from the real images (default ${d.realShare})
  --arms LIST            what to compare, in order: ${AUGMENT_ARMS.join(', ')} (default ${d.arms.join(',')})
                         real: the labelled images alone; generated: real + the GAN's samples;
                         shifted: the real images shifted up to ±${d.maxShift} px (classic augmentation);
                         ssgan: the semi-supervised GAN's classifier on the same labels plus
                         the training split without labels
  --data NAME            a labelled image set held in memory (default mnist)
  --seed N               seed of the labelled subset, the GAN and the classifiers (default ${d.seed})
  --out FILE.json        where to write the result (default augment-<labels>-seed<seed>.json); never overwritten
  --grid FILE.png        also write, per experiment, a row of labelled real images (one per
                         class) over three rows of generated ones (columns are the classes)
  --backend NAME         auto, ${NODE_BACKENDS.join(', ')}
  --quiet                print only the table

Every arm starts from the same classifier weights and batches; only the data differ.
`;

function listFlag(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} takes a comma-separated list without blanks; got '${value}'`);
  return items;
}

/** Refuses a path that exists or has the wrong ending; the check runs before any training. */
function freshFile(flag: string, path: string, ext: string): string {
  if (extname(path).toLowerCase() !== ext) throw new UsageError(`--${flag} must end in ${ext}; got '${path}'`);
  if (existsSync(path)) throw new UsageError(`${path} already exists; choose another --${flag} (gankit augment never overwrites a file)`);
  return path;
}

/** Per experiment: one row of real labelled images (class k in column k), then three rows of G's. */
function gridImages(blocks: Array<{ real: LabelledImages; generated: LabelledImages }>, per: number, numClasses: number): Float32Array {
  const rows = 4;
  const out = new Float32Array(blocks.length * rows * numClasses * per);
  blocks.forEach(({ real, generated }, b) => {
    const at = (row: number, k: number) => ((b * rows + row) * numClasses + k) * per;
    for (let k = 0; k < numClasses; k++) {
      const r = real.labels.indexOf(k);
      if (r >= 0) out.set(real.x.subarray(r * per, (r + 1) * per), at(0, k));
      let row = 1;
      for (let i = 0; i < generated.count && row < rows; i++) {
        if (generated.labels[i] !== k) continue;
        out.set(generated.x.subarray(i * per, (i + 1) * per), at(row++, k));
      }
    }
  });
  return out;
}

export async function augmentCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('augment', argv, {
    labels: { type: 'string' },
    variant: { type: 'string' },
    model: { type: 'string' },
    'gan-steps': { type: 'string' },
    'gan-batch': { type: 'string' },
    n: { type: 'string' },
    'classifier-steps': { type: 'string' },
    'classifier-batch': { type: 'string' },
    'real-share': { type: 'string' },
    arms: { type: 'string' },
    option: { type: 'string', multiple: true },
    data: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    grid: { type: 'string' },
    backend: { type: 'string' },
    quiet: { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(AUGMENT_HELP);
    return 0;
  }
  const labels = (listFlag('labels', values.labels) ?? d.labels.map(String)).map((s) => intFlag('labels', s, 1, { max: 1_000_000, why: 'labels: more than any bundled data set holds' })!);
  if (values.variant === 'ssgan') throw new UsageError("--variant picks the GAN that generates labelled samples, and ssgan's generator takes no label; add ssgan to --arms to report its classifier beside the others");
  const variant = choiceFlag('variant', values.variant, AUGMENT_VARIANTS) ?? d.variant;
  const model = choiceFlag('model', values.model, CONDITIONAL_MODELS) ?? d.model;
  const arms = (listFlag('arms', values.arms) ?? [...d.arms]).map((a) => choiceFlag('arms', a, AUGMENT_ARMS) as AugmentArm);
  if (new Set(arms).size !== arms.length) throw new UsageError(`--arms names an arm twice: '${values.arms}'`);
  const realShare = numberFlag('real-share', values['real-share']) ?? d.realShare;
  if (!(realShare > 0 && realShare < 1)) throw new UsageError(`--real-share must be between 0 and 1 (both arms see real images; 1 would be the real-only arm); got '${values['real-share']}'`);
  const settings: AugmentSettings = {
    labels,
    variant,
    model,
    ganSteps: intFlag('gan-steps', values['gan-steps'], 1, LIMITS.steps) ?? d.ganSteps,
    ganBatch: intFlag('gan-batch', values['gan-batch'], 1, LIMITS.batch) ?? d.ganBatch,
    generated: intFlag('n', values.n, 1, LIMITS.samples) ?? d.generated,
    classifierSteps: intFlag('classifier-steps', values['classifier-steps'], 1, LIMITS.steps) ?? d.classifierSteps,
    classifierBatch: intFlag('classifier-batch', values['classifier-batch'], 2, LIMITS.batch) ?? d.classifierBatch,
    realShare,
    maxShift: d.maxShift,
    arms,
    seed: intFlag('seed', values.seed, 0) ?? d.seed,
    ganOptions: optionFlags(values.option ?? []),
  };
  const out = freshFile('out', values.out ?? `augment-${labels.join('-')}-seed${settings.seed}.json`, '.json');
  const grid = values.grid === undefined ? undefined : freshFile('grid', values.grid, '.png');
  if (grid && !arms.includes('generated')) throw new UsageError('--grid shows the generated samples; add generated to --arms');
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  const dataName = values.data ?? 'mnist';
  const data = loadDataset(dataName);
  await initBackend(backend as BackendRequest);
  checkAugmentSettings(data, settings);
  const log = values.quiet ? () => {} : (line: string) => console.log(line);
  log(`gankit augment on ${dataName}: ${arms.join(', ')}; ${variant}/${model} ${settings.ganSteps} steps, N = ${settings.generated}, classifier ${settings.classifierSteps} steps, seed ${settings.seed}`);
  const blocks: Array<{ real: LabelledImages; generated: LabelledImages }> = [];
  const result = await runAugment(data, settings, { onProgress: log, onGenerated: (_, real, generated) => blocks.push({ real, generated }) });
  const command = ['gankit', 'augment', ...argv].join(' ');
  console.log(augmentTable(result));
  // Checked again: the run took minutes, and a file that appeared meanwhile is someone's.
  freshFile('out', out, '.json');
  writeFileAtomic(out, JSON.stringify({ command, ...result }, null, 2) + '\n');
  if (grid && blocks.length) {
    const per = data.shape.reduce((a, b) => a * b, 1);
    const k = data.numClasses!;
    const [h, w, c] = data.shape;
    writePng(freshFile('grid', grid, '.png'), imageGrid(gridImages(blocks, per, k), [blocks.length * 4 * k, h, w, c], { cols: k, scale: 2 }));
  }
  console.log(`held-out: ${result.heldOut.count} images; ${result.wallSeconds} s on ${result.backend}; wrote ${out}${grid ? ` and ${grid}` : ''}`);
  return 0;
}
