import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import type { RunConfig } from '../train/config.js';

/** The number of classes a labelled variant conditions on: the option, else the data set's. */
export function requireClasses(data: Dataset, variant: string, fromOptions?: number): number {
  const k = fromOptions ?? data.numClasses;
  if (k === undefined || k < 2) {
    throw new ConfigError(
      `--variant ${variant} needs class labels, but data '${data.name}' has none; use a labelled data set (mnist, ring8, grid25, ...)`,
    );
  }
  return k;
}

/**
 * The text variants build their own networks (gumbel: text-resnet G and critic; seqgan: a GRU
 * G and a text-resnet critic), so a --model other than text-resnet would be silently ignored:
 * it is refused instead.
 */
export function requireTextModel(config: Pick<RunConfig, 'model'>, variant: string, builds: string): void {
  if (config.model !== 'text-resnet') {
    throw new ConfigError(`--variant ${variant} builds its own networks (${builds}), so --model ${config.model} would not change them; drop --model or use --model text-resnet`);
  }
}
