import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { parseStrictOptions } from '../core/options.js';
import { MAX_LOOKAHEAD_STEPS } from '../core/streams.js';
import type { LossType, RunConfig } from '../train/config.js';
import type { OptimizerConfig } from '../core/optimizers.js';
import type { StabilisedNetOptions } from '../nets/sn-nets.js';
import type { DataKind } from '../data/types.js';
import { AUGMENTATIONS, type Augmentation } from './diffaugment.js';

const onOff = <T extends z.ZodTypeAny>(inner: T) =>
  z.preprocess((v) => (v === true ? {} : v === false ? undefined : v), inner.optional());

/**
 * The stabilisers and tricks a plain GAN (and the variants built on it) takes in
 * `config.options`. Each is off by default.
 */
export const StabiliserOptionsSchema = z.object({
  /** Spectral normalisation (Miyato et al. 2018): true = D's layers; 'both' = G's too (SAGAN). */
  spectralNorm: z.union([z.boolean(), z.enum(['discriminator', 'both'])]).default(false),
  /** SAGAN self-attention block (Zhang et al. 2019) in G, D or both (dcgan only); true = both. */
  selfAttention: z.union([z.boolean(), z.enum(['generator', 'discriminator', 'both'])]).default(false),
  /** Minibatch stddev (Karras et al. 2018) before D's head; true = group size 4. */
  minibatchStddev: onOff(z.object({ groupSize: z.number().int().positive().default(4) }).strict()),
  /** Minibatch discrimination (Salimans et al. 2016) before D's last layer. */
  minibatchDiscrimination: onOff(z.object({ kernels: z.number().int().positive().default(16), kernelDim: z.number().int().positive().default(8) }).strict()),
  /** Feature matching (Salimans et al. 2016): G minimises ‖E f(x) − E f(G(z))‖² on D's last hidden features. */
  featureMatching: z.boolean().default(false),
  /** EMA of G's weights with this decay β (0.999 typical); sampling uses the EMA generator. */
  emaDecay: z.number().min(0).lt(1).optional(),
  /** DiffAugment (Zhao et al. 2020) policy for images: any of color, translation, cutout. true = all three. */
  diffAugment: z.preprocess(
    (v) => (v === true ? [...AUGMENTATIONS] : v === false ? [] : typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(z.enum(AUGMENTATIONS)).default([]),
  ),
  /** R1 (Mescheder et al. 2018): D's loss gets (γ/2)·E_real‖∇D‖². 0 = off; 10 is usual for images. */
  r1Gamma: z.number().nonnegative().default(0),
  /** Two time-scale update rule (Heusel et al. 2017), SAGAN's setting: Adam(β1 0, β2 0.9), G lr 1e-4, D lr 4e-4. */
  ttur: z.boolean().default(false),
  /** Unrolled GAN (Metz et al. 2017): G's loss through D after this many look-ahead D steps. */
  unrolledSteps: z.number().int().nonnegative().max(MAX_LOOKAHEAD_STEPS).default(0),
  /** PacGAN (Lin et al. 2018): D judges m samples at once (1 = off). */
  packing: z.number().int().positive().default(1),
});
export type StabiliserOptions = z.output<typeof StabiliserOptionsSchema>;
export const STABILISER_KEYS = Object.keys(StabiliserOptionsSchema.shape);

/** TTUR as SAGAN trains it. */
export const TTUR_OPTIMIZERS: { optimizerG: OptimizerConfig; optimizerD: OptimizerConfig } = {
  optimizerG: { type: 'adam', learningRate: 1e-4, beta1: 0, beta2: 0.9, epsilon: 1e-8 },
  optimizerD: { type: 'adam', learningRate: 4e-4, beta1: 0, beta2: 0.9, epsilon: 1e-8 },
};

/** A config with TTUR's optimizers: what `--ttur` / `options.ttur` means, for a config.json that records it. */
export function withTtur(config: RunConfig): RunConfig {
  return { ...config, ...TTUR_OPTIMIZERS, options: { ...config.options, ttur: false } };
}

/** Stabilisers that live in the networks: only variants whose builders take them accept them. */
export const NETWORK_STABILISERS = ['spectralNorm', 'selfAttention', 'minibatchStddev', 'minibatchDiscrimination', 'packing'] as const;
export type NetworkStabiliser = (typeof NETWORK_STABILISERS)[number];

/** True when the option is set to something other than its off value. */
export function stabiliserIsOn(o: StabiliserOptions, key: keyof StabiliserOptions): boolean {
  const v = o[key];
  if (Array.isArray(v)) return v.length > 0;
  if (key === 'packing' || key === 'unrolledSteps') return (v as number) > (key === 'packing' ? 1 : 0);
  if (typeof v === 'number') return v > 0;
  return v !== false && v !== undefined;
}

/**
 * Validates the stabiliser options against the run: values that do not fit and
 * combinations theory rules out are ConfigErrors that say what to change.
 */
export function parseStabilisers(options: Record<string, unknown>, run: Pick<RunConfig, 'loss' | 'model' | 'batchSize'>, dataKind: DataKind, owner: string): StabiliserOptions {
  const o = parseStrictOptions(StabiliserOptionsSchema, options, owner);
  checkCombination(o, run.loss.type, run.model, dataKind, run.batchSize);
  return o;
}

function checkCombination(o: StabiliserOptions, loss: LossType, model: string, dataKind: DataKind, batchSize: number): void {
  if (o.diffAugment.length > 0 && dataKind !== 'images') {
    throw new ConfigError(`options.diffAugment (${o.diffAugment.join(', ')}) augments images, but the data are ${dataKind === 'text' ? 'text' : '2D points'}; remove it`);
  }
  if (o.selfAttention !== false && dataKind === 'text') {
    throw new ConfigError('options.selfAttention attends over the 2-D feature maps of image networks; text networks have none: drop it');
  }
  if (o.selfAttention !== false && model !== 'dcgan') {
    throw new ConfigError(`options.selfAttention needs feature maps: use --model dcgan (got --model ${model})`);
  }
  if (o.r1Gamma > 0 && loss === 'wgan-gp') {
    throw new ConfigError('options.r1Gamma adds a second gradient penalty to wgan-gp; use one: loss wgan-gp, or R1 with --loss non-saturating/hinge');
  }
  if (o.spectralNorm !== false && loss === 'wgan') {
    throw new ConfigError('options.spectralNorm already bounds D\'s Lipschitz constant; weight clipping (--loss wgan) on top of it fights it: use --loss hinge or wgan-gp');
  }
  if ((o.minibatchStddev || o.minibatchDiscrimination) && loss === 'wgan-gp') {
    throw new ConfigError('wgan-gp\'s gradient penalty assumes D scores each sample on its own; minibatch stddev/discrimination couple the samples of a batch: drop them or use --loss hinge with options.r1Gamma');
  }
  if (o.packing > 1 && batchSize % o.packing !== 0) {
    throw new ConfigError(`options.packing ${o.packing} packs samples into groups, so the batch size must be a multiple of it; got batchSize ${batchSize}`);
  }
  if (o.minibatchStddev && (batchSize / o.packing) % o.minibatchStddev.groupSize !== 0) {
    throw new ConfigError(`options.minibatchStddev.groupSize ${o.minibatchStddev.groupSize} must divide the batch D sees (${batchSize / o.packing})`);
  }
  if (o.featureMatching && o.minibatchDiscrimination) {
    throw new ConfigError('options.featureMatching matches D\'s last hidden features, which minibatch discrimination replaces with batch statistics; Salimans et al. use one or the other: drop one');
  }
}

/** The network options the stabiliser options ask for. */
export function netOptions(o: StabiliserOptions): StabilisedNetOptions {
  const sn = o.spectralNorm === true ? 'discriminator' : o.spectralNorm === false ? 'none' : o.spectralNorm;
  const attn = o.selfAttention === true ? 'both' : o.selfAttention === false ? 'none' : o.selfAttention;
  return {
    spectralNorm: sn,
    selfAttention: attn,
    minibatchStddevGroup: o.minibatchStddev?.groupSize ?? 0,
    minibatchDiscrimination: o.minibatchDiscrimination ?? null,
    packing: o.packing,
  };
}

/** True when the options need the stabilised builder rather than the plain nets. */
export function needsStabilisedNets(o: StabiliserOptions): boolean {
  const n = netOptions(o);
  return n.spectralNorm !== 'none' || n.selfAttention !== 'none' || n.minibatchStddevGroup > 0 || n.minibatchDiscrimination !== null || n.packing > 1;
}

/**
 * PacGAN's packing: [m·B, ...shape] → [B, ...shape with the last axis × m], consecutive
 * samples together (points [B, 2m]; images stacked along channels).
 */
export function pack(x: tf.Tensor, m: number): tf.Tensor {
  if (m === 1) return x;
  return tf.tidy(() => {
    const [n, ...shape] = x.shape;
    if (n % m !== 0) throw new Error(`packing ${m} needs a batch that is a multiple of it; got ${n}`);
    const grouped = tf.reshape(x, [n / m, m, ...shape]);
    // Move the group axis next to the last one, then merge them: [B, ..., m, c] → [B, ..., m·c].
    const rank = grouped.shape.length;
    const perm = [0, ...shape.slice(0, -1).map((_, i) => i + 2), 1, rank - 1];
    const moved = tf.transpose(grouped, perm);
    return tf.reshape(moved, [n / m, ...shape.slice(0, -1), shape[shape.length - 1] * m]);
  });
}

/**
 * D's last hidden features f(x): the input of its final layer (the one that outputs the
 * score). D must be a Sequential model, as the mlp and dcgan builders make it.
 */
export function discriminatorFeatures(D: tfl.LayersModel, x: tf.Tensor, training: boolean): tf.Tensor {
  if (!(D instanceof tfl.Sequential)) {
    throw new ConfigError('feature matching reads D\'s last hidden layer, which needs a sequential discriminator (the mlp and dcgan models)');
  }
  return tf.tidy(() => {
    let h = x;
    for (const layer of D.layers.slice(0, -1)) h = layer.apply(h, { training }) as tf.Tensor;
    return h;
  });
}

/** Feature matching (Salimans et al. 2016, §3.1): ‖E_x f(x) − E_z f(G(z))‖₂². */
export function featureMatchingLoss(realFeatures: tf.Tensor, fakeFeatures: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(tf.mean(realFeatures, 0), tf.mean(fakeFeatures, 0)))) as tf.Scalar);
}

interface OptimizerSlot {
  variable: tf.Variable;
}

/** Every tf.Variable an optimizer holds as state (Adam's moments, RMSProp's accumulators, ...). */
function optimizerStateVariables(opt: tf.Optimizer): tf.Variable[] {
  const found: tf.Variable[] = [];
  for (const value of Object.values(opt as unknown as Record<string, unknown>)) {
    if (value instanceof tf.Variable) found.push(value);
    else if (Array.isArray(value)) {
      for (const slot of value as unknown[]) {
        const v = (slot as OptimizerSlot | null)?.variable;
        if (v instanceof tf.Variable) found.push(v);
      }
    }
  }
  return found;
}

/**
 * Saves models' weights and optimizers' state so both can be put back exactly, as the
 * unrolled GAN does after its look-ahead steps. State an optimizer creates meanwhile (its
 * first use) goes back to zero, which is how it starts.
 */
export function snapshotTraining(models: readonly tfl.LayersModel[], optimizers: readonly tf.Optimizer[]): () => void {
  const weights = models.map((m) => m.weights.map((w) => tf.clone(w.read())));
  const saved = optimizers.map((opt) => ({
    state: new Map(optimizerStateVariables(opt).map((v) => [v, tf.clone(v)])),
    iterations: (opt as unknown as { iterations_: number }).iterations_,
  }));
  return () => {
    models.forEach((m, j) => m.weights.forEach((w, i) => (w.read() as tf.Variable).assign(weights[j][i])));
    optimizers.forEach((opt, j) => {
      const { state, iterations } = saved[j];
      for (const v of optimizerStateVariables(opt)) {
        const before = state.get(v);
        if (before) v.assign(before);
        else tf.tidy(() => v.assign(tf.zerosLike(v)));
      }
      (opt as unknown as { iterations_: number }).iterations_ = iterations;
      tf.dispose([...state.values()]);
    });
    tf.dispose(weights.flat());
  };
}
