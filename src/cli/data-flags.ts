import { resolve } from 'node:path';
import { CROP_MODES, type DataOptionsInput } from '../data/options.js';
import { intFlag, choiceFlag } from './args.js';
import { UsageError } from './errors.js';

/** The train flags of image data (images:DIR, avatars), for parseFlags. */
export const DATA_FLAGS = {
  resolution: { type: 'string' },
  crop: { type: 'string' },
  channels: { type: 'string' },
  mirror: { type: 'boolean' },
  labels: { type: 'string' },
  strict: { type: 'boolean' },
  background: { type: 'string' },
} as const;

export const DATA_FLAGS_HELP = `  --resolution N         image side for images:DIR and avatars (default: 32 or 64 from the images; avatars 64)
  --crop MODE            ${CROP_MODES.join(', ')}: how non-square images become square (default center)
  --channels 1|3         greyscale or RGB (default: what the images are)
  --mirror               random horizontal flips of the real images
  --labels FILE          CSV or JSON mapping image file names to tags (multi-hot)
  --strict               unreadable image files are an error, not skipped
  --background #RRGGBB   colour under transparent pixels and padding (default #ffffff)`;

/** Folds the image-data flags into a config's dataOptions (flags win over the config file's). */
export function dataOptionsFromFlags(values: Record<string, string | boolean | string[] | undefined>, base: DataOptionsInput | undefined): DataOptionsInput | undefined {
  const o: DataOptionsInput = { ...(base ?? {}) };
  const str = (k: string) => values[k] as string | undefined;
  const resolution = intFlag('resolution', str('resolution'), 8);
  if (resolution !== undefined) o.resolution = resolution;
  const crop = choiceFlag('crop', str('crop'), CROP_MODES);
  if (crop) o.crop = crop;
  const channels = choiceFlag('channels', str('channels'), ['1', '3'] as const);
  if (channels) o.channels = channels === '1' ? 1 : 3;
  if (values.mirror) o.mirror = true;
  if (values.strict) o.strict = true;
  // Absolute, so gankit sample/eval find the file from any working directory.
  if (str('labels')) o.labels = resolve(str('labels') as string);
  const bg = str('background');
  if (bg !== undefined) {
    if (!/^#[0-9a-fA-F]{6}$/.test(bg)) throw new UsageError(`--background takes a colour as #RRGGBB, e.g. #ffffff; got '${bg}'`);
    o.background = bg;
  }
  return Object.keys(o).length ? o : undefined;
}
