import { isSrgan } from '../gans/srgan.js';
import { NODE_BACKENDS } from '../backend/index.js';
import { openForImages, readImages, throughModel, writeImages } from './translate.js';
import { UsageError } from './errors.js';

export const UPSCALE_HELP = `Usage: gankit upscale --run DIR --in FILE.npy|FILE.png --out FILE.npy|FILE.png

Super-resolves images with an SRGAN run's generator (--variant srgan): each side × the
run's scale. --in: NHWC float32 images in [0,1] (.npy) or one .png, of the run's
low-resolution shape (7×7 for the default ×4 digits). --out: .npy or .png.

  --run DIR        an srgan run folder
  --step N         which checkpoint (default: the latest)
  --in FILE        the low-resolution images
  --out FILE       where to write; an existing file is not overwritten
  --force          overwrite --out if it exists
  --backend NAME   auto, ${NODE_BACKENDS.join(', ')}
`;

export async function upscaleCommand(argv: string[]): Promise<number> {
  const opened = await openForImages('upscale', argv, UPSCALE_HELP);
  if (!opened) return 0;
  const { run, input, out } = opened;
  const v = run.variant;
  if (!isSrgan(v)) throw new UsageError(`${run.dir} is a '${run.config.variant}' run; gankit upscale needs a --variant srgan run`);
  const { n, data } = readImages(input, v.inputShape, `this ×${v.scale} run's low-resolution inputs`);
  const result = throughModel(data, [n, ...v.inputShape], (x) => v.upscale(x));
  const [h, w, c] = v.dataShape;
  writeImages(out, result, [n, h, w, c]);
  console.log(`upscaled ${n} image${n === 1 ? '' : 's'} ×${v.scale} from ${input} with ${run.dir} step ${run.startStep} to ${out}`);
  return 0;
}
