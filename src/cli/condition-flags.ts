import type { GanVariant } from '../gans/types.js';
import { parseTagList } from '../data/tag-sets.js';
import { DataError } from '../data/types.js';
import { intFlag } from './args.js';
import { UsageError } from './errors.js';

/** What a conditional run is asked to draw: one class, or samples carrying some tags. */
export interface ConditionChoice {
  label?: number;
  /** Column indices into the run's tag names. */
  tags?: number[];
  /** The tags as the run names them, for messages. */
  tagNames?: string[];
}

/**
 * Reads --label K and --tags "a,b" against what the run's variant takes: classes
 * (capabilities.labels) or tag sets (capabilities.tags). Each mistake is one line: both
 * flags, the wrong one for the run, a class out of range, a tag the run does not know.
 */
export function conditionFromFlags(variant: GanVariant, variantName: string, flags: { label?: string; tags?: string }): ConditionChoice {
  const classes = variant.capabilities.labels;
  const known = variant.capabilities.tags;
  if (flags.label !== undefined && flags.tags !== undefined) {
    throw new UsageError('--label picks one class and --tags a set of tags; give one of them (a run conditions on classes or on tags)');
  }
  if (flags.tags !== undefined) {
    if (!known) {
      if (classes !== null) throw new UsageError(`this ${variantName} run conditions on ${classes} classes, not tags; use --label K (0–${classes - 1})`);
      throw new UsageError(`--tags needs a run conditioned on tags (cgan, acgan or projection trained on data with tags); this run is '${variantName}', which takes no tags`);
    }
    try {
      const tags = parseTagList(flags.tags, known);
      return { tags, tagNames: tags.map((t) => known[t]) };
    } catch (e) {
      if (e instanceof DataError) throw new UsageError(e.message);
      throw e;
    }
  }
  const label = intFlag('label', flags.label, 0);
  if (label === undefined) return {};
  if (classes === null) {
    if (known) throw new UsageError(`this ${variantName} run conditions on tags, not classes; use --tags "${known.slice(0, 2).join(',')}"`);
    throw new UsageError(`--label needs a variant that generates chosen classes (cgan, acgan, projection, infogan); this run is '${variantName}', which takes no labels`);
  }
  if (label >= classes) throw new UsageError(`--label ${label} is out of range: this ${variantName} run has ${classes} classes (0–${classes - 1})`);
  return { label };
}
