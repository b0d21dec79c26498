import type { Dataset } from '../data/types.js';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { GanVariant } from './types.js';

/** A variant factory: builds the variant a config names, with seeded weights. */
export type VariantFactory = (config: RunConfig, data: Dataset) => GanVariant;

export interface VariantEntry {
  factory: VariantFactory;
  /** One line for `gankit train --help` and the README table. */
  summary: string;
}

const registry = new Map<string, VariantEntry>();

/** Adds a variant under a name `--variant` accepts. */
export function registerVariant(name: string, factory: VariantFactory, summary = ''): void {
  registry.set(name, { factory, summary });
}

export function variantNames(): string[] {
  return [...registry.keys()];
}

export function variantSummary(name: string): string {
  return registry.get(name)?.summary ?? '';
}

/** Builds the variant that `config.variant` names. */
export function createVariant(config: RunConfig, data: Dataset): GanVariant {
  const entry = registry.get(config.variant);
  if (!entry) throw new ConfigError(`unknown variant '${config.variant}'; choose one of: ${variantNames().join(', ')}`);
  return entry.factory(config, data);
}
