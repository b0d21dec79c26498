import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { openTrainedRun, parseFlags, intFlag, choiceFlag } from './args.js';
import { hasEncoder } from '../gans/bigan.js';
import { readNpy, writeNpy, checkSamples } from '../io/npy.js';
import { writePng } from '../io/png.js';
import { imageGrid } from '../io/grid.js';
import { UsageError } from './errors.js';

export const ENCODE_HELP = `Usage: gankit encode --run DIR --input X.npy --out Z.npy [--reconstruct R.npy|R.png]

Maps data to latent codes with the encoder E of a BiGAN / ALI run (--variant bigan).
--input: images NHWC in [0,1], or 2D points [N,2], as gankit sample writes them.
--out: float32 codes [N, latentDim]. --reconstruct also writes G(E(x)).

  --run DIR           a run folder of a variant with an encoder
  --step N            which checkpoint (default: the latest)
  --input FILE.npy    the data to encode
  --out FILE.npy      where to write the codes
  --reconstruct FILE  G(E(x)) as .npy or a .png grid
  --backend NAME      auto, ${NODE_BACKENDS.join(', ')}
`;

export async function encodeCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('encode', argv, {
    run: { type: 'string' },
    step: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    reconstruct: { type: 'string' },
    backend: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(ENCODE_HELP);
    return 0;
  }
  if (!values.run || !values.input || !values.out) throw new UsageError('gankit encode needs --run DIR, --input X.npy and --out Z.npy');
  for (const f of [values.out, values.reconstruct].filter((x): x is string => x !== undefined)) {
    if (existsSync(f)) throw new UsageError(`${f} already exists; choose another file name`);
  }
  if (extname(values.out) !== '.npy') throw new UsageError('--out must be a .npy file');
  const backend = choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto';
  await initBackend(backend as BackendRequest);
  const step = intFlag('step', values.step, 0);
  const input = readNpy(values.input);
  checkSamples(input, values.input);
  const run = await openTrainedRun(values.run, { step, weightsOnly: true });
  if (!hasEncoder(run.variant)) throw new UsageError(`${values.run} is a '${run.config.variant}' run, which has no encoder; train one with --variant bigan`);
  const encoder = run.variant;
  const want = run.variant.dataShape.join('x');
  if (input.shape.slice(1).join('x') !== want) throw new UsageError(`--input has samples of shape [${input.shape.slice(1)}]; this run's data has [${run.variant.dataShape}]`);
  const n = input.shape[0];
  const images = run.data.kind === 'images';
  const { codes, recon } = tf.tidy(() => {
    let x = tf.tensor(input.data, input.shape);
    if (images) x = tf.sub(tf.mul(x, 2), 1);
    const z = encoder.encode(x);
    let r = encoder.generate(z);
    if (images) r = tf.clipByValue(tf.div(tf.add(r, 1), 2), 0, 1);
    return { codes: z.dataSync() as Float32Array, recon: r.dataSync() as Float32Array };
  });
  writeNpy(values.out, { shape: [n, encoder.latentDim], data: codes });
  if (values.reconstruct) {
    if (extname(values.reconstruct) === '.png' && images) {
      const [h, w, c] = encoder.dataShape;
      writePng(values.reconstruct, imageGrid(recon, [n, h, w, c]));
    } else {
      writeNpy(values.reconstruct, { shape: input.shape, data: recon });
    }
  }
  console.log(`encoded ${n} samples to ${values.out} ([${n}, ${encoder.latentDim}])${values.reconstruct ? `; G(E(x)) in ${values.reconstruct}` : ''}`);
  return 0;
}
