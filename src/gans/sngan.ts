import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { buildStabilisedGan } from './gan.js';
import { registerVariant } from './registry.js';
import type { GanVariant } from './types.js';

/**
 * SN-GAN (Miyato et al. 2018): spectral normalisation of every layer of D, by one power
 * iteration per step. Miyato et al. train it with the standard and the hinge loss; the
 * configs use hinge (configs/sngan-*.json). spectralNorm 'both' normalises G as well.
 */
export function buildSngan(config: RunConfig, data: Dataset): GanVariant {
  if (config.options.spectralNorm === false) throw new ConfigError('--variant sngan is spectral normalisation; options.spectralNorm false contradicts it (use --variant gan)');
  return buildStabilisedGan(config, data, 'sngan', { defaults: { spectralNorm: 'discriminator' } });
}

registerVariant('sngan', buildSngan, 'SN-GAN (Miyato et al. 2018): spectrally normalised D; use --loss hinge as the paper');
