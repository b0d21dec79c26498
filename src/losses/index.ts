import type { AdversarialLoss, LossName } from './types.js';
import { minimax, nonSaturating } from './goodfellow.js';
import { wasserstein } from './wasserstein.js';
import { leastSquares } from './least-squares.js';
import { hinge } from './hinge.js';

export * from './types.js';
export * from './penalties.js';
export { bceWithLogits } from './bce.js';
export { minimax, nonSaturating } from './goodfellow.js';
export { wasserstein } from './wasserstein.js';
export { leastSquares } from './least-squares.js';
export { hinge } from './hinge.js';

/** The loss a name stands for. realLabel applies to the Goodfellow losses only. */
export function lossByName(name: LossName, opts: { realLabel?: number } = {}): AdversarialLoss {
  switch (name) {
    case 'minimax':
      return minimax(opts);
    case 'non-saturating':
      return nonSaturating(opts);
    case 'wgan':
    case 'wgan-gp':
      return wasserstein(name);
    case 'least-squares':
      return leastSquares();
    case 'hinge':
      return hinge();
  }
}
