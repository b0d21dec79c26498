export { MetricError } from './errors.js';
export { modeCoverage, type ModeCoverage } from './modes.js';
export { frechetDistance, frechetFromStats, gaussianStats, type GaussianStats } from './frechet.js';
export { symmetricEigen, symmetricSqrt, type SymmetricEigen } from './linalg.js';
export {
  wassersteinExact,
  slicedWasserstein,
  wasserstein1D,
  solveAssignment,
  EXACT_WASSERSTEIN_MAX_POINTS,
  type WassersteinResult,
  type SlicedWassersteinResult,
} from './wasserstein.js';
export {
  evaluateOnGrid,
  gridAround,
  cellCentre,
  cellArea,
  mixtureDensity,
  kdeDensity,
  scottBandwidth,
  jsDivergenceOnGrid,
  optimalDiscriminator,
  jsFromDiscriminator,
  jsFromDiscriminatorSamples,
  MAX_JS_NATS,
  DISCRIMINATOR_CLAMP,
  type Grid2D,
  type Density2D,
  type GridJS,
} from './divergence.js';
export {
  loadFeatureClassifier,
  classifierFeatures,
  classifierProbs,
  argmaxRows,
  buildClassifierNet,
  FEATURE_DIM,
  NUM_CLASSES,
  type FeatureClassifier,
  type ClassifierRecord,
} from './classifier.js';
export { kernelInceptionDistance, type KidResult } from './kid.js';
export { precisionRecall, densityCoverage, kthNeighbourSquaredRadii, type PrecisionRecall, type DensityCoverage } from './manifold.js';
export {
  imageMetrics,
  featureMetrics,
  classHistogram,
  MAX_FRECHET_DIM,
  type ImageMetrics,
  type FeatureMetrics,
  type FeatureMetricOptions,
  type ClassHistogram,
} from './images.js';
export { stackedMnistModes, type StackedMnistModes } from './stacked-mnist.js';
export {
  evaluateArrays,
  type ShapedArray,
  type ArrayEvaluation,
  type PointEvaluation,
  type MnistEvaluation,
  type StackedMnistEvaluation,
  type RawImageEvaluation,
  type EvaluateOptions,
} from './evaluate.js';
export { ssim, psnr, meanAbsoluteError, gradientEnergy, meanOf, type SsimOptions, type BatchShape } from './fidelity.js';
