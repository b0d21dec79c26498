import type { AdversarialLoss, LossName } from './types.js';
import { minimax, nonSaturating } from './goodfellow.js';
import { wasserstein } from './wasserstein.js';
import { leastSquares } from './least-squares.js';
import { hinge } from './hinge.js';
import { gradientPenaltyRegulariser, weightClippingRegulariser, type Regulariser } from './regularisers.js';

/** A loss as a run config names it, with the settings of its Lipschitz constraint. */
export type LossSpec =
  | { type: Exclude<LossName, 'wgan' | 'wgan-gp'> }
  | { type: 'wgan'; clipValue: number }
  | { type: 'wgan-gp'; gradientPenaltyWeight: number };

/** What a loss name stands for: its D and G terms, and what it adds to every critic step. */
export interface Objective {
  loss: AdversarialLoss;
  regularisers: Regulariser[];
  /** WGAN's critic scores are not probabilities and must stay Lipschitz: what stabilisers that bound D another way must not fight. */
  constraint: 'none' | 'clipping' | 'gradient-penalty';
}

/**
 * The objective table: the only place where a loss name becomes its terms and penalties.
 * realLabel (one-sided label smoothing) applies to the Goodfellow losses only.
 */
export function objectiveFor(spec: LossSpec, opts: { realLabel?: number } = {}): Objective {
  switch (spec.type) {
    case 'minimax':
      return { loss: minimax(opts), regularisers: [], constraint: 'none' };
    case 'non-saturating':
      return { loss: nonSaturating(opts), regularisers: [], constraint: 'none' };
    case 'wgan':
      return { loss: wasserstein('wgan'), regularisers: [weightClippingRegulariser(spec.clipValue)], constraint: 'clipping' };
    case 'wgan-gp':
      return { loss: wasserstein('wgan-gp'), regularisers: [gradientPenaltyRegulariser(spec.gradientPenaltyWeight)], constraint: 'gradient-penalty' };
    case 'least-squares':
      return { loss: leastSquares(), regularisers: [], constraint: 'none' };
    case 'hinge':
      return { loss: hinge(), regularisers: [], constraint: 'none' };
  }
}

/** The loss a name stands for, without its penalties (metrics, tests). */
export function lossByName(name: LossName, opts: { realLabel?: number } = {}): AdversarialLoss {
  const spec: LossSpec = name === 'wgan' ? { type: 'wgan', clipValue: 0.01 } : name === 'wgan-gp' ? { type: 'wgan-gp', gradientPenaltyWeight: 10 } : { type: name };
  return objectiveFor(spec, opts).loss;
}
