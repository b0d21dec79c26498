import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';

export const OptimizerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('adam'),
    learningRate: z.number().positive(),
    beta1: z.number().min(0).max(1).default(0.5),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
  }),
  z.object({
    type: z.literal('rmsprop'),
    learningRate: z.number().positive(),
    decay: z.number().min(0).max(1).default(0.9),
    epsilon: z.number().positive().default(1e-8),
  }),
  z.object({ type: z.literal('sgd'), learningRate: z.number().positive() }),
]);
export type OptimizerConfig = z.infer<typeof OptimizerSchema>;

type AdamFactory = (lr: number, beta1: number, beta2: number, epsilon: number) => tf.Optimizer;
type RmspropFactory = (lr: number, decay: number, momentum: number, epsilon: number) => tf.Optimizer;

/**
 * Fused implementations a backend may provide (the native backend's Adam and RMSProp
 * update each variable in one kernel call). They must keep TF.js's getWeights/setWeights
 * layout so checkpoints stay interchangeable. Set by src/backend when such a backend runs.
 */
const fused: { adam?: AdamFactory; rmsprop?: RmspropFactory } = {};

export function useFusedOptimizers(impl: { adam?: AdamFactory; rmsprop?: RmspropFactory } | null): void {
  fused.adam = impl?.adam;
  fused.rmsprop = impl?.rmsprop;
}

/** Builds the TF.js optimizer a config describes (one per network: TTUR is two configs). */
export function createOptimizer(cfg: OptimizerConfig): tf.Optimizer {
  switch (cfg.type) {
    case 'adam':
      return (fused.adam ?? tf.train.adam)(cfg.learningRate, cfg.beta1, cfg.beta2, cfg.epsilon);
    case 'rmsprop':
      return (fused.rmsprop ?? tf.train.rmsprop)(cfg.learningRate, cfg.decay, 0, cfg.epsilon);
    case 'sgd':
      return tf.train.sgd(cfg.learningRate);
  }
}
