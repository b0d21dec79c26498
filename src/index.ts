/**
 * gankit: generative adversarial networks in TypeScript.
 * The library entry: backends, data, networks, losses, variants, the trainer and metrics.
 */
export { initBackend, backendInfo, BackendError, NODE_BACKENDS, type BackendChoice, type BackendRequest } from './backend/index.js';
export { registerMissingGradients, registerComposedConvFilterGradient } from './backend/index.js';
export * from './data/index.js';
export * from './losses/index.js';
export * from './nets/index.js';
export * from './gans/index.js';
export * as metrics from './metrics/index.js';
export { Rng } from './core/rng.js';
export { STREAM, SUBSTEPS, SUBSTEP_RANGES, iterationRng, runRng, parseStrictOptions } from './core/index.js';
export { ConfigError } from './core/errors.js';
export { resolveConfig, RunConfigSchema, LossSchema, LOSS_TYPES, type RunConfig, type RunConfigInput, type LossConfig } from './train/config.js';
export { createOptimizer, OptimizerSchema, type OptimizerConfig } from './train/optimizers.js';
export { runTraining, iterationContext, DivergenceError, type TrainerCallbacks } from './train/trainer.js';
export { startRun, openRun, trainRun, writeRunReport, writeSampleImage, type RunHandle, type TrainRunOptions, type TrainRunResult } from './train/run.js';
export { saveCheckpoint, loadCheckpoint, listCheckpoints, saveLayersModel, type TrainerState } from './train/checkpoint.js';
export { drawSamples, type Samples } from './train/sampling.js';
export { evaluateVariant, type Evaluation } from './train/evaluate.js';
export { readNpy, writeNpy, encodeNpy, decodeNpy, type NpyArray } from './io/npy.js';
export { imageGrid, pointsPlot } from './io/grid.js';
export { renderReport } from './io/report.js';
export * as nn from './nn/index.js';
export { buildStabilisedGan } from './gans/gan.js';
export { StabiliserOptionsSchema, parseStabilisers, withTtur, TTUR_OPTIMIZERS, STABILISER_KEYS, type StabiliserOptions } from './gans/stabilisers.js';
export { buildProgressiveGan, growthAt } from './gans/progressive.js';
export { buildStackedGan } from './gans/stacked.js';
export { buildCycleGan, type CycleGanVariant } from './gans/cyclegan.js';
export { unpairedDigits } from './data/unpaired.js';
export { stackedMnistDataset } from './data/stacked-mnist.js';
export { buildConditionalGan } from './gans/conditional.js';
export { buildInfoGan } from './gans/infogan.js';
export { buildBiGan, hasEncoder, type EncoderVariant } from './gans/bigan.js';
export { buildSemiSupervisedGan, hasClassifier } from './gans/semi-supervised.js';
export { buildLossSensitiveGan } from './gans/lsgan-qi.js';
