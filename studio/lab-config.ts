import type { OptimizerConfig } from '../src/core/optimizers.js';
import type { NetworkSpec } from '../src/nets/index.js';
import { resolveConfig, type LossConfig, type RunConfig } from '../src/train/config.js';
import type { LabGameOptions } from './lab-game.js';
import type { LabState, OptimizerChoice } from './lab-state.js';

/**
 * A lab state as what trains it: the RunConfig, the game's options and the networks' spec.
 * DOM-free, so the page (lab2d.ts) and Node (scripts/train-lab-preset.ts) build the same lab.
 */

/** Layer widths typed as "64,64,64"; an Error naming the field otherwise. */
export function parseWidths(text: string, what: string): number[] {
  const w = text.split(/[,\s]+/).filter(Boolean).map(Number);
  if (w.length === 0 || w.length > 6 || w.some((v) => !Number.isInteger(v) || v < 1 || v > 1024)) {
    throw new Error(`${what}: give 1–6 layer widths from 1 to 1024, like 64,64,64`);
  }
  return w;
}

/** One player's optimizer: the kind chosen, at its rate, with the CLI's other settings for the loss. */
export function labOptimizer(kind: OptimizerChoice, learningRate: number, base: OptimizerConfig): OptimizerConfig {
  if (kind === 'sgd') return { type: 'sgd', learningRate };
  if (kind === 'rmsprop') return base.type === 'rmsprop' ? { ...base, learningRate } : { type: 'rmsprop', learningRate, decay: 0.9, epsilon: 1e-8 };
  return base.type === 'adam' ? { ...base, learningRate } : { type: 'adam', learningRate, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 };
}

export function labLoss(s: LabState): LossConfig {
  if (s.loss === 'wgan') return { type: s.loss, clipValue: s.clip };
  if (s.loss === 'wgan-gp') return { type: s.loss, gradientPenaltyWeight: s.gp };
  return { type: s.loss } as LossConfig;
}

/** The settings as a validated RunConfig (the library's defaults, optimizer per loss, with the lab's choices), the game's options and the networks. */
export function labConfig(s: LabState): { config: RunConfig; options: LabGameOptions; spec: NetworkSpec } {
  const loss = labLoss(s);
  const base = resolveConfig({ loss, model: 'mlp', data: 'ring8' }, 'points').optimizerG;
  const config = resolveConfig(
    {
      variant: 'gan',
      data: s.data,
      model: 'mlp',
      latentDim: s.noiseDim,
      hidden: parseWidths(s.hiddenG, 'G hidden'),
      loss,
      criticSteps: Math.round(s.dSteps),
      batchSize: Math.round(s.batch),
      steps: 100000,
      optimizerG: labOptimizer(s.optimizer, s.lrG, base),
      optimizerD: labOptimizer(s.optimizer, s.lrD, base),
      seed: Math.round(s.seed),
    },
    'points',
  );
  const spec: NetworkSpec = { model: 'mlp', dataShape: [2], latentDim: config.latentDim, hidden: config.hidden, discriminatorHidden: parseWidths(s.hiddenD, 'D hidden') };
  return { config, options: { generatorSteps: Math.round(s.gSteps), noise: s.noise }, spec };
}
