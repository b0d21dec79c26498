import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { lossSensitiveCritic, lossSensitiveGenerator, margin, MARGINS } from '../losses/loss-sensitive.js';
import { weightDecayRegulariser } from '../losses/regularisers.js';
import type { GanObjective } from '../losses/types.js';
import { buildStabilisedGan } from './gan.js';
import { registerVariant } from './registry.js';
import type { GanVariant } from './types.js';

/** Options of the Loss-Sensitive GAN (Qi 2017); the stabilisers of ./stabilisers.ts compose with it. */
export const LossSensitiveOptionsSchema = z.object({
  /** λ: weight of the margin-violation term E(Δ + L(x) − L(G(z)))₊. */
  slackWeight: z.number().positive().default(1),
  /** Δ(x, G(z)): mean absolute (l1, Qi's choice) or root-mean-square (l2) difference, times marginScale. */
  margin: z.enum(MARGINS).default('l1'),
  marginScale: z.number().positive().default(1),
  /** Lipschitz regularisation of L_θ as in Qi's experiments: L2 weight decay on its parameters. */
  weightDecay: z.number().nonnegative().default(5e-5),
});
export type LossSensitiveOptions = z.output<typeof LossSensitiveOptionsSchema>;

/** The objective as a GanObjective: D's output is L_θ's logit, real and fake paired in batch order. */
export function lossSensitiveObjective(o: LossSensitiveOptions): GanObjective {
  return {
    discriminator: (realOut, fakeOut, real, fake) => {
      const delta = margin(real, fake, o.margin, o.marginScale);
      const loss = lossSensitiveCritic(realOut, fakeOut, delta, o.slackWeight);
      delta.dispose();
      return loss;
    },
    generator: lossSensitiveGenerator,
  };
}

/**
 * Loss-Sensitive GAN (Qi 2017): `--variant lsgan-qi`. `--loss` does not apply (the
 * objective is the variant's); 'least-squares' is the other LSGAN (Mao et al.).
 */
export function buildLossSensitiveGan(config: RunConfig, data: Dataset): GanVariant {
  return buildStabilisedGan(config, data, 'lsgan-qi', {
    own: LossSensitiveOptionsSchema,
    objective: lossSensitiveObjective,
    regularisers: (own) => (own.weightDecay > 0 ? [weightDecayRegulariser(own.weightDecay)] : []),
  });
}

registerVariant('lsgan-qi', buildLossSensitiveGan, 'Loss-Sensitive GAN (Qi 2017): margin Δ(x, G(z)), Lipschitz loss function (not Mao\'s least-squares LSGAN: --loss least-squares)');
