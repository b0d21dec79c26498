export * from './types.js';
export * from './penalties.js';
export * from './regularisers.js';
export * from './objectives.js';
export { bceWithLogits } from './bce.js';
export { minimax, nonSaturating } from './goodfellow.js';
export { wasserstein } from './wasserstein.js';
export { leastSquares } from './least-squares.js';
export { hinge } from './hinge.js';
