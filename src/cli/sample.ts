import { basename, dirname, extname } from 'node:path';
import { removeStaleTemps } from '../io/atomic.js';
import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { openTrainedRun, parseFlags, intFlag, choiceFlag, numberFlag, refuseExisting } from './args.js';
import { drawSamples, drawTexts } from '../train/sampling.js';
import { STREAM } from '../core/streams.js';
import { isTextDataset } from '../data/text.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writeNpy } from '../io/npy.js';
import { writePng } from '../io/png.js';
import { imageGrid, pointsPlot, boundsOf } from '../io/grid.js';
import { isMixture } from '../train/evaluate.js';
import { Rng } from '../train/rng.js';
import { writeImageFiles, checkFreshFolder, IMAGE_FORMATS } from '../io/image-files.js';
import { UsageError } from './errors.js';
import { conditionFromFlags } from './condition-flags.js';
import { LIMITS, MAX_FLOATS } from '../train/limits.js';

export const SAMPLE_HELP = `Usage: gankit sample --run DIR --n N --out FILE.npy|FILE.png|FILE.txt|FOLDER/ [flags]

Draws N samples from a run's generator (its latest checkpoint unless --step).
.npy: float32; images NHWC in [0,1], 2D points [N,2] in data coordinates.
.png: a grid of images, or a scatter plot of points over the real data.
FOLDER/ (ends in /): one file per image, 000000.png, 000001.png, … (the folder must be new or empty).
.txt: for text runs (--data words, text:FILE), one generated sequence per line.

  --run DIR        a run folder made by gankit train
  --step N         which checkpoint (default: the latest)
  --n N            how many samples
  --out FILE       where to write (.npy, .png, or .txt for text); an existing file is not overwritten
  --label K        class to draw, for conditional variants trained on classes
  --tags "A,B"     tags every sample carries, for conditional variants trained on tags
                   (names as the run's data gives them, e.g. "red hair,glasses"); the
                   other tags vary as in the data. Without it, tag runs draw the data's own tag sets
  --format png|jpg file type in a FOLDER/ (default png)
  --truncation X   truncation trick: latent components above X in magnitude are redrawn (e.g. 0.7)
  --seed N         seed of the latent draws (default 0)
  --force          overwrite --out if it exists
  --backend NAME   auto, ${NODE_BACKENDS.join(', ')}
`;

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('sample', argv, {
    run: { type: 'string' },
    step: { type: 'string' },
    n: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string' },
    tags: { type: 'string' },
    format: { type: 'string' },
    truncation: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(SAMPLE_HELP);
    return 0;
  }
  if (!values.run) throw new UsageError('gankit sample needs --run DIR (a folder made by gankit train)');
  if (!values.out) throw new UsageError('gankit sample needs --out FILE.npy or FILE.png');
  const n = intFlag('n', values.n, 1, LIMITS.samples) ?? 64;
  const toFolder = /[\\/]$/.test(values.out);
  const ext = extname(values.out).toLowerCase();
  const format = choiceFlag('format', values.format, IMAGE_FORMATS);
  if (format && !toFolder) throw new UsageError(`--format is for a folder --out (one file per image, e.g. --out samples/); got '${values.out}'`);
  if (toFolder) {
    const problem = checkFreshFolder(values.out);
    if (problem) throw new UsageError(`${problem}; choose a new --out folder (nothing there is overwritten)`);
  } else {
    if (ext !== '.npy' && ext !== '.png' && ext !== '.txt') throw new UsageError(`--out must end in .npy, .png or .txt, or in / for one file per image; got '${values.out}'`);
    refuseExisting(values.out, 'out', values.force);
  }
  const truncation = numberFlag('truncation', values.truncation, { positive: true });
  if (truncation !== undefined && truncation < 0.05) throw new UsageError(`--truncation must be at least 0.05 (0.5–1 is usual); got ${truncation}`);
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  await initBackend(backend as BackendRequest);
  const run = await openTrainedRun(values.run, { step: intFlag('step', values.step, 0), weightsOnly: true });
  const { label, tags, tagNames } = conditionFromFlags(run.variant, run.config.variant, { label: values.label, tags: values.tags });
  const per = run.variant.dataShape.reduce((a, b) => a * b, 1);
  if (n * per > MAX_FLOATS) throw new UsageError(`--n ${n} samples of shape [${run.variant.dataShape}] would need ${Math.ceil((n * per * 4) / 2 ** 30)} GiB; draw at most ${Math.floor(MAX_FLOATS / per).toLocaleString('en-US')} per call`);
  if (truncation !== undefined && run.variant.sampleGrid) throw new UsageError(`--truncation needs a generator of Gaussian latents; '${run.config.variant}' samples from images`);
  const seed = intFlag('seed', values.seed, 0) ?? 0;
  if (ext === '.txt' && !isTextDataset(run.data)) throw new UsageError(`--out .txt needs a text run; ${values.run} trained on '${run.config.data}' (use .npy or .png)`);
  if (ext === '.png' && isTextDataset(run.data)) throw new UsageError(`${values.run} is a text run: use --out FILE.txt (or .npy for the raw scores)`);
  // A sample write killed before now left its temp file beside --out.
  if (!toFolder) removeStaleTemps(dirname(values.out), `.${basename(values.out)}.`);
  if (ext === '.txt' && isTextDataset(run.data)) {
    const texts = drawTexts(run.variant, run.data, n, { seed, stream: STREAM.sampleNoise });
    writeFileAtomic(values.out, texts.join('\n') + '\n');
    console.log(`wrote ${n} sequences from ${values.run} step ${run.startStep} to ${values.out}`);
    return 0;
  }
  const samples = drawSamples(run.variant, run.data, n, { seed, stream: STREAM.sampleNoise, label, tags, truncation });
  if (tagNames && samples.tagMatches === 0) {
    console.error(`gankit: no sample in '${run.config.data}' has all of: ${tagNames.join(', ')}; every sample is conditioned on exactly those tags (a set G never saw in training)`);
  }
  if (toFolder) {
    if (samples.kind !== 'images') throw new UsageError('a folder --out writes one image file per sample; this run makes 2D points (use FILE.npy or FILE.png)');
    const [m, h, w, c] = samples.shape;
    writeImageFiles(values.out, samples.data, [m, h, w, c], format ?? 'png');
  } else if (ext === '.npy') {
    writeNpy(values.out, { shape: samples.shape, data: samples.data });
  } else if (samples.kind === 'points') {
    const real = run.data.sample(Math.max(n, 1000), new Rng(run.config.seed + 1)).x;
    writePng(values.out, pointsPlot({ fake: samples.data, real, modes: isMixture(run.data) ? run.data.modes : undefined, bounds: boundsOf(real) }));
  } else {
    const [m, h, w, c] = samples.shape;
    writePng(values.out, imageGrid(samples.data, [m, h, w, c]));
  }
  const given = tagNames && samples.tagMatches ? ` with ${tagNames.join(', ')} (tag sets drawn among the ${samples.tagMatches.toLocaleString('en-US')} of the data that carry ${tagNames.length === 1 ? 'it' : 'them'})` : '';
  console.log(`wrote ${n} samples (shape [${samples.shape.join(', ')}])${given} from ${values.run} step ${run.startStep} to ${values.out}`);
  return 0;
}
