import { extname } from 'node:path';
import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { openTrainedRun, parseFlags, intFlag, choiceFlag, numberFlag, refuseExisting } from './args.js';
import { latentOfSeed, latentWalk, generateImages } from '../train/interpolate.js';
import { imageGrid } from '../io/grid.js';
import { writePng } from '../io/png.js';
import { writeFileAtomic } from '../io/atomic.js';
import { encodeGif } from '../io/image-files.js';
import { UsageError } from './errors.js';
import { conditionFromFlags } from './condition-flags.js';
import { drawTagSets, tagDrawRng, tagPool } from '../data/tag-sets.js';

export const INTERPOLATE_HELP = `Usage: gankit interpolate --run DIR --out FILE.png|FILE.gif [flags]

A latent walk: the generator's images along spherical interpolations between latents.
.png: --rows walks, each from one latent to another in --steps steps, one walk per row.
.gif: a looping animation through the --seeds latents (or --points random ones), a grid
      of --rows × --rows walkers, each with latents of its own.

  --run DIR        a run folder made by gankit train
  --step N         which checkpoint (default: the latest)
  --out FILE       .png or .gif; an existing file is not overwritten
  --seeds A,B,...  the latents to visit, by seed (each seed names one latent; png: one row unless --rows)
  --seed N         seed of the random latents (default 0)
  --rows N         walks in the picture (png: rows, default 8; gif: grid side, default 3)
  --steps N        images from one latent to the next (default 10 for png, 16 for gif)
  --points N       gif: latents per loop when --seeds is not given (default 4)
  --truncation X   redraw latent components above X in magnitude
  --label K        class for conditional variants (default 0)
  --tags "A,B"     tag-conditioned runs: tags every walker carries (one tag set drawn from the
                   data's among those with these tags; without it, from all of them)
  --force          overwrite --out if it exists
  --backend NAME   auto, ${NODE_BACKENDS.join(', ')}
`;

export async function interpolateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('interpolate', argv, {
    run: { type: 'string' },
    step: { type: 'string' },
    out: { type: 'string' },
    seeds: { type: 'string' },
    seed: { type: 'string' },
    rows: { type: 'string' },
    steps: { type: 'string' },
    points: { type: 'string' },
    truncation: { type: 'string' },
    label: { type: 'string' },
    tags: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(INTERPOLATE_HELP);
    return 0;
  }
  if (!values.run) throw new UsageError('gankit interpolate needs --run DIR (a folder made by gankit train)');
  if (!values.out) throw new UsageError('gankit interpolate needs --out FILE.png or FILE.gif');
  const ext = extname(values.out).toLowerCase();
  if (ext !== '.png' && ext !== '.gif') throw new UsageError(`--out must end in .png or .gif; got '${values.out}'`);
  refuseExisting(values.out, 'out', values.force);
  const gif = ext === '.gif';
  let seeds: number[] | undefined;
  if (values.seeds !== undefined) {
    seeds = values.seeds.split(',').map((s) => Number(s.trim()));
    if (seeds.length < 2 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new UsageError(`--seeds takes two or more whole numbers ≥ 0 separated by commas, e.g. 1,2,3; got '${values.seeds}'`);
  }
  const rows = intFlag('rows', values.rows) ?? (gif ? 3 : seeds ? 1 : 8);
  const steps = intFlag('steps', values.steps) ?? (gif ? 16 : 10);
  const points = intFlag('points', values.points, 2) ?? 4;
  const seed = intFlag('seed', values.seed, 0) ?? 0;
  const truncation = numberFlag('truncation', values.truncation, { positive: true });
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  await initBackend(backend as BackendRequest);
  const run = await openTrainedRun(values.run, { step: intFlag('step', values.step, 0) });
  const { variant } = run;
  if (variant.dataShape.length !== 3 || variant.sampleGrid) throw new UsageError(`gankit interpolate walks the latent space of an image generator; this run is '${run.config.variant}' on ${run.config.data}`);
  const chosen = conditionFromFlags(variant, run.config.variant, { label: values.label, tags: values.tags });
  const label = chosen.label;
  // One tag set for every frame, so a walk changes only the latent.
  const tagRow = variant.capabilities.tags ? drawTagSets(tagPool(run.data), variant.capabilities.tags.length, 1, tagDrawRng(seed, 0), chosen.tags ?? []).rows : undefined;
  const [h, w, c] = variant.dataShape;
  const per = h * w * c;
  // Walk r's latents: the given seeds (offset by r × 1000 after the first walk, so walks differ), or random ones.
  const keysOf = (r: number, count: number) =>
    Array.from({ length: count }, (_, k) => latentOfSeed(seeds ? seeds[k] + r * 1000 : seed * 100003 + r * 101 + k, variant.latentDim, truncation));
  if (!gif) {
    const walks = Array.from({ length: rows }, (_, r) => latentWalk(keysOf(r, seeds?.length ?? 2), steps, false)).flat();
    const images = generateImages(variant, walks, label, tagRow);
    const cols = walks.length / rows;
    writePng(values.out, imageGrid(images, [walks.length, h, w, c], { cols }));
    console.log(`wrote ${rows} walks of ${cols} images from ${values.run} step ${run.startStep} to ${values.out}`);
    return 0;
  }
  const walkers = rows * rows;
  const walks = Array.from({ length: walkers }, (_, r) => latentWalk(keysOf(r, seeds?.length ?? points), steps, true));
  const frames = walks[0].length;
  const all = generateImages(variant, walks.flat(), label, tagRow);
  const pictures = Array.from({ length: frames }, (_, f) => {
    const frame = new Float32Array(walkers * per);
    for (let r = 0; r < walkers; r++) frame.set(all.subarray((r * frames + f) * per, (r * frames + f + 1) * per), r * per);
    return imageGrid(frame, [walkers, h, w, c], { cols: rows });
  });
  writeFileAtomic(values.out, encodeGif(pictures, 80));
  console.log(`wrote a ${frames}-frame loop of ${walkers} walkers from ${values.run} step ${run.startStep} to ${values.out}`);
  return 0;
}
