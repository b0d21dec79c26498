import type { z } from 'zod';
import { ConfigError } from '../train/config.js';
import type { Dataset } from '../data/types.js';

/**
 * Validates the slice of `config.options` a variant reads, filling its defaults. Keys the
 * schema does not know are left for other consumers (stabilisers) and ignored here.
 */
export function parseVariantOptions<S extends z.ZodTypeAny>(schema: S, options: Record<string, unknown>, variant: string): z.output<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `options.${issue.path.join('.')}` : 'options';
    throw new ConfigError(`invalid ${where} for --variant ${variant}: ${issue.message}`);
  }
  return parsed.data as z.output<S>;
}

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
