import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';

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
