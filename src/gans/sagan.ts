import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { buildStabilisedGan } from './gan.js';
import { registerVariant } from './registry.js';
import type { GanVariant } from './types.js';

/**
 * SAGAN (Zhang et al. 2019): self-attention blocks in G and D (γ from 0), spectral
 * normalisation in both, TTUR (G 1e-4, D 4e-4, Adam β 0/0.9), hinge loss (in the configs).
 * Each default can be changed in options; self-attention cannot be switched off.
 */
export function buildSagan(config: RunConfig, data: Dataset): GanVariant {
  if (config.options.selfAttention === false) throw new ConfigError('--variant sagan is self-attention; options.selfAttention false contradicts it (use --variant sngan or gan)');
  if (config.model !== 'dcgan') throw new ConfigError(`--variant sagan needs convolutional feature maps for its attention: use --model dcgan (got ${config.model})`);
  return buildStabilisedGan(config, data, 'sagan', { defaults: { selfAttention: 'both', spectralNorm: 'both', ttur: true } });
}

registerVariant('sagan', buildSagan, 'SAGAN (Zhang et al. 2019): self-attention in G and D, spectral norm in both, TTUR; --model dcgan, use --loss hinge');
