import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { buildStabilisedGan } from './gan.js';
import { registerVariant } from './registry.js';
import type { GanVariant } from './types.js';

/**
 * PacGAN (Lin et al. 2018): D judges m samples at once, all real or all generated,
 * concatenated (points: [2m] vectors; images: m·c channels). A generator that drops modes
 * makes packs whose members look alike, which D can see. `options.packing` = m (default 2);
 * the batch size must be a multiple of m. discriminate() scores each sample as a pack of m
 * copies of it, so metrics and heat maps still get one score per sample.
 */
export function buildPacGan(config: RunConfig, data: Dataset): GanVariant {
  return buildStabilisedGan(config, data, 'pacgan', { defaults: { packing: 2 } });
}

registerVariant('pacgan', buildPacGan, 'PacGAN (Lin et al. 2018): D sees m packed samples (options.packing, default 2)');
