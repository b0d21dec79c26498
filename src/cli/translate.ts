import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { isPix2Pix } from '../gans/pix2pix.js';
import { imageGrid } from '../io/grid.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { readPng, writePng, type RgbaImage } from '../io/png.js';
import type { RunHandle } from '../train/run.js';
import { openTrainedRun, choiceFlag, intFlag, parseFlags, refuseExisting } from './args.js';
import { UsageError } from './errors.js';

export const TRANSLATE_HELP = `Usage: gankit translate --run DIR --in FILE.npy|FILE.png --out FILE.npy|FILE.png

Maps input images to output images with a pix2pix run's generator (--variant pix2pix).
--in: NHWC float32 images in [0,1] (.npy, [N,h,w,c] or one [h,w,c]) or one .png image,
of the shape the run translates. --out: .npy images in [0,1], or a .png (one image as
it is, several as a grid).

  --run DIR        a pix2pix run folder
  --step N         which checkpoint (default: the latest)
  --in FILE        the input images
  --out FILE       where to write; an existing file is not overwritten
  --force          overwrite --out if it exists
  --backend NAME   auto, ${NODE_BACKENDS.join(', ')}
`;

/** Images in [0, 1] from .npy or .png, checked against [h, w, c]; `what` names the run's input in the error. */
export function readImages(path: string, shape: readonly number[], what: string): { n: number; data: Float32Array } {
  if (!existsSync(path)) throw new UsageError(`--in ${path} does not exist`);
  const ext = extname(path).toLowerCase();
  const [h, w, c] = shape;
  if (ext === '.png') {
    const img = readPng(path);
    if (img.width !== w || img.height !== h) throw new UsageError(`--in ${path} is ${img.width}×${img.height}; ${what} are ${w}×${h} (resize it first)`);
    const data = new Float32Array(h * w * c);
    for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) data[p * c + k] = img.data[p * 4 + (c === 1 ? 0 : k)] / 255;
    return { n: 1, data };
  }
  if (ext !== '.npy') throw new UsageError(`--in must be a .npy or .png file; got '${path}'`);
  const arr = readNpy(path);
  const sample = arr.shape.length === 3 ? arr.shape : arr.shape.slice(1);
  if (sample.join('x') !== shape.join('x')) throw new UsageError(`--in has images of shape [${sample}]; ${what} are [${shape}] (NHWC in [0, 1])`);
  return { n: arr.shape.length === 3 ? 1 : arr.shape[0], data: Float32Array.from(arr.data) };
}

/** Writes images in [0, 1]: .npy [N, h, w, c], or a .png of one image (unscaled) or a grid. */
export function writeImages(path: string, data: Float32Array, shape: readonly [number, number, number, number]): void {
  if (extname(path).toLowerCase() === '.npy') writeNpy(path, { shape: [...shape], data });
  else writePng(path, shape[0] === 1 ? onePicture(data, shape) : imageGrid(data, shape));
}

/** One image as an RGBA picture of its own size (no grid gutter), so an output can be fed back as an input. */
function onePicture(data: Float32Array, [, h, w, c]: readonly [number, number, number, number]): RgbaImage {
  const rgba = new Uint8Array(h * w * 4);
  const to8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = to8(data[p * c + (c >= 3 ? k : 0)]);
    rgba[p * 4 + 3] = 255;
  }
  return { width: w, height: h, data: rgba };
}

/** The flags translate and upscale share, checked; opens the run. */
export async function openForImages(command: string, argv: string[], help: string): Promise<{ run: RunHandle; input: string; out: string } | null> {
  const { values } = parseFlags(command, argv, {
    run: { type: 'string' },
    step: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(help);
    return null;
  }
  if (!values.run || !values.in || !values.out) throw new UsageError(`gankit ${command} needs --run DIR, --in FILE and --out FILE`);
  const ext = extname(values.out).toLowerCase();
  if (ext !== '.npy' && ext !== '.png') throw new UsageError(`--out must end in .npy or .png; got '${values.out}'`);
  refuseExisting(values.out, 'out', values.force);
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  await initBackend(backend as BackendRequest);
  const run = await openTrainedRun(values.run, { step: intFlag('step', values.step, 0) });
  return { run, input: values.in, out: values.out };
}

/** [0, 1] images through a model-space function, back to [0, 1]. */
export function throughModel(data: Float32Array, shape: readonly number[], f: (x: tf.Tensor) => tf.Tensor): Float32Array {
  return tf.tidy(() => {
    const x = tf.sub(tf.mul(tf.tensor(data, [...shape]), 2), 1);
    return tf.clipByValue(tf.div(tf.add(f(x), 1), 2), 0, 1).dataSync() as Float32Array;
  });
}

export async function translateCommand(argv: string[]): Promise<number> {
  const opened = await openForImages('translate', argv, TRANSLATE_HELP);
  if (!opened) return 0;
  const { run, input, out } = opened;
  const v = run.variant;
  if (!isPix2Pix(v)) throw new UsageError(`${run.dir} is a '${run.config.variant}' run; gankit translate needs a --variant pix2pix run`);
  const { n, data } = readImages(input, v.inputShape, "this run's inputs");
  const result = throughModel(data, [n, ...v.inputShape], (x) => v.translate(x));
  const [h, w, c] = v.dataShape;
  writeImages(out, result, [n, h, w, c]);
  console.log(`translated ${n} image${n === 1 ? '' : 's'} from ${input} with ${run.dir} step ${run.startStep} to ${out}`);
  return 0;
}
