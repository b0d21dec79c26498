import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { buildStabilisedGan } from './gan.js';
import { registerVariant } from './registry.js';
import type { GanVariant } from './types.js';

/**
 * Unrolled GAN (Metz et al. 2017): before each G update, D takes `unrolledSteps` (k,
 * default 5) look-ahead steps with its own optimizer on fresh batches; G's loss is taken
 * through that D, then D's weights and optimizer state are put back. G thus answers D's
 * reaction, not only D's present state, which counters mode hopping. This is the
 * first-order form: the look-ahead steps are not differentiated through.
 * k = 0 is exactly the plain GAN.
 */
export function buildUnrolledGan(config: RunConfig, data: Dataset): GanVariant {
  return buildStabilisedGan(config, data, 'unrolled', { defaults: { unrolledSteps: 5 } });
}

registerVariant('unrolled', buildUnrolledGan, 'Unrolled GAN (Metz et al. 2017): G steps against D after k look-ahead steps (options.unrolledSteps, default 5)');
