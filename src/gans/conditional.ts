import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { firstTagSets, tagPool } from '../data/tag-sets.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { LabelError, multiHotTags, oneHotLabels, randomLabels, roundRobinLabels, sigmoidCrossEntropy, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { applyTraining, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic, CriticOutput } from './step.js';
import { composeVariant, createOptimizers, discriminatorSpectralNorm, labelled, readVariantOptions, stepSettings, tagged } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type VariantCapabilities } from './types.js';
import { requireClasses } from './variant-options.js';

/**
 * Conditional GANs. All three draw x̃ = G(z, y) with the condition y beside the noise; they
 * differ in how D uses it:
 * - `cgan` (Mirza & Osindero 2014): D(x, y), y concatenated with x;
 * - `projection` (Miyato & Koyama 2018): D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩;
 * - `acgan` (Odena et al. 2017): D(x) → (score, logits of y); both players also minimise
 *   the head's cross-entropy (real and fake for D, fake for G).
 * y is one class (a one-hot row, softmax head) or a tag set (a multi-hot row through a dense
 * tag-set embedding, one sigmoid per tag in ACGAN's head): options.condition, or by default
 * classes when the data has them and tags when it has only tags.
 */
export type ConditioningMode = 'cgan' | 'projection' | 'acgan';
export const CONDITIONAL_VARIANTS: readonly string[] = ['cgan', 'acgan', 'projection'];

export const CONDITIONS = ['classes', 'tags'] as const;
export type ConditionKind = (typeof CONDITIONS)[number];

export const ConditionalOptionsSchema = z.object({
  /** Classes to condition on; defaults to the data set's. */
  numClasses: z.number().int().min(2).optional(),
  /** ACGAN: weight of the auxiliary classification loss beside the adversarial one. */
  auxiliaryWeight: z.number().nonnegative().default(1),
  /** One class per sample, or a tag set; default: classes where the data has them, else tags. */
  condition: z.enum(CONDITIONS).optional(),
  /** Tag sets: width of the tag-set embedding in G (and in CGAN's D); default 128. */
  tagEmbedding: z.number().int().positive().optional(),
  /**
   * CGAN's D on classes with the dcgan model: 'input' joins the one-hot class to the image as
   * constant maps; 'features' joins it to the flattened conv features, the layout of CGAN
   * runs trained before (it left G ignoring the class on MNIST: label agreement at chance,
   * docs/family.md), kept so those runs still open.
   */
  classesAt: z.enum(['input', 'features']).default('input'),
});
export type ConditionalOptions = z.output<typeof ConditionalOptionsSchema>;

export const DEFAULT_TAG_EMBEDDING = 128;
/**
 * CGAN's D on tags: the tag set embedded to this many channels and joined to the image as
 * constant maps (src/nets/conditional.ts, atInput). Joined after the convolutions instead, as
 * for one class, D of a 32×32 avatar run still ignored the tags after 1,200 steps
 * (docs/data.md): a hair colour is easiest to check against the pixels themselves.
 */
export const TAG_MAPS = 16;

/** A variant that generates a chosen class: `generate(z, labels)`. */
export function isLabelConditioned(v: GanVariant): boolean {
  return v.capabilities.labels !== null;
}

/** A variant that generates chosen tag sets: `generate(z, undefined, tags)`. */
export function isTagConditioned(v: GanVariant): boolean {
  return v.capabilities.tags !== null;
}

/** How y is made, read and scored: the one place where classes and tag sets differ. */
interface Conditioning {
  readonly kind: ConditionKind;
  /** Width of y. */
  readonly size: number;
  /** G's (and CGAN's D's) tag-set embedding width; undefined for classes. */
  readonly embedding?: number;
  readonly capabilities: Partial<VariantCapabilities>;
  /** y of a real batch. */
  ofBatch(batch: { labels?: Int32Array; tags?: Uint8Array }): tf.Tensor2D;
  /** y for a generator step: a draw from the prior G is trained on. */
  prior(ctx: IterationContext, subStep: number): tf.Tensor2D;
  /** y for sampling: the caller's labels or tags, else a default that shows the range. */
  forSampling(n: number, labels?: tf.Tensor1D, tags?: tf.Tensor2D): tf.Tensor2D;
  /** The auxiliary head's loss (ACGAN). */
  headLoss(logits: tf.Tensor, y: tf.Tensor): tf.Scalar;
  /** ACGAN's head and its logged terms: class_logits / d_class_loss, or tag_logits / d_tag_loss. */
  readonly head: 'class' | 'tag';
}

function classConditioning(mode: ConditioningMode, numClasses: number): Conditioning {
  return {
    kind: 'classes',
    size: numClasses,
    capabilities: labelled(numClasses),
    head: 'class',
    ofBatch(batch) {
      if (!batch.labels) throw new ConfigError(`--variant ${mode} needs labelled samples, but the data set returned none`);
      return oneHotLabels(batch.labels, numClasses);
    },
    prior: (ctx, sub) => oneHotLabels(randomLabels(ctx.rng(STREAM.labels, sub), ctx.batchSize, numClasses), numClasses),
    /** Without labels, classes 0..K−1 round-robin. */
    forSampling(n, labels, tags) {
      if (tags) throw new ConfigError(`this ${mode} run conditions on ${numClasses} classes, not tags; pass class labels`);
      if (labels && labels.shape[0] !== n) throw new ConfigError(`got ${labels.shape[0]} labels for ${n} latent vectors; pass one label per sample`);
      return oneHotLabels(labels ?? roundRobinLabels(n, numClasses), numClasses);
    },
    headLoss: softmaxCrossEntropy,
  };
}

function tagConditioning(mode: ConditioningMode, data: Dataset, embedding: number): Conditioning {
  const tagNames = data.tagNames as readonly string[];
  const width = tagNames.length;
  let pool: Uint8Array | null = null;
  // The data's tag sets, read once and only when sampling needs a default.
  const defaults = () => (pool ??= tagPool(data));
  return {
    kind: 'tags',
    size: width,
    embedding,
    capabilities: tagged(tagNames),
    head: 'tag',
    ofBatch(batch) {
      if (!batch.tags) throw new ConfigError(`--variant ${mode} conditions on tags, but the data set returned batches without them`);
      return multiHotTags(batch.tags, width);
    },
    /** The prior is the data's own: the tag sets of a batch drawn from it (tags come in combinations). */
    prior(ctx, sub) {
      const tags = ctx.data.sample(ctx.batchSize, ctx.rng(STREAM.labels, sub)).tags;
      if (!tags) throw new ConfigError(`--variant ${mode} conditions on tags, but the data set returned batches without them`);
      return multiHotTags(tags, width);
    },
    /** Without tags, the data's first n tag sets (varied, and the same on every call). */
    forSampling(n, labels, tags) {
      if (labels) throw new ConfigError(`this ${mode} run conditions on tags (${tagNames.slice(0, 3).join(', ')}, …), not class labels; pass tag sets`);
      if (!tags) return multiHotTags(firstTagSets(defaults(), width, n), width);
      if (tags.rank !== 2 || tags.shape[0] !== n || tags.shape[1] !== width) {
        throw new LabelError(`got tag sets of shape [${tags.shape}] for ${n} latent vectors; pass [${n}, ${width}] multi-hot rows over the run's tags`);
      }
      return tf.cast(tags, 'float32') as tf.Tensor2D;
    },
    headLoss: sigmoidCrossEntropy,
  };
}

/** The condition a run uses: options.condition, else classes when the data has them, else tags. */
export function resolveCondition(mode: ConditioningMode, data: Dataset, own: ConditionalOptions): Conditioning {
  const hasTags = (data.tagNames?.length ?? 0) > 0;
  const hasClasses = (data.numClasses ?? 0) >= 2;
  const kind: ConditionKind = own.condition ?? (hasClasses || !hasTags ? 'classes' : 'tags');
  if (kind === 'tags') {
    if (!hasTags) {
      throw new ConfigError(`--variant ${mode} with --condition tags needs data with tags, but '${data.name}' has none; give an image folder a --labels FILE, or use --data avatars`);
    }
    if (own.numClasses !== undefined) throw new ConfigError(`options.numClasses is for --condition classes; with tags the data's ${data.tagNames?.length} tag names are the condition`);
    return tagConditioning(mode, data, own.tagEmbedding ?? DEFAULT_TAG_EMBEDDING);
  }
  if (own.tagEmbedding !== undefined) throw new ConfigError(`options.tagEmbedding is for --condition tags; this ${mode} run conditions on classes`);
  if (!hasClasses && hasTags && own.condition === 'classes') {
    throw new ConfigError(`--variant ${mode} with --condition classes needs class labels, but '${data.name}' has only tags; drop --condition classes (tags are used then) or add class sub-folders`);
  }
  return classConditioning(mode, requireClasses(data, mode, own.numClasses));
}

/**
 * Per critic step: a real batch (x, y) and fakes G(z, y) carrying the real batch's condition
 * (a draw from the same prior, so a gradient penalty interpolates within one class or tag
 * set); D judges both against y. Per generator step: y from the prior, G(z, y) judged
 * against it. ACGAN adds its head's cross-entropy for both players.
 */
export function buildConditionalGan(mode: ConditioningMode, config: RunConfig, data: Dataset): GanVariant {
  const { own, stabilisers } = readVariantOptions(config, data, { variant: mode, own: ConditionalOptionsSchema, networkStabilisers: ['spectralNorm'] });
  const cond = resolveCondition(mode, data, own);
  const headName = `${cond.head}_logits`;
  const generatorSpec = { model: config.model, dataShape: data.shape, latentDim: config.latentDim, conditionDim: cond.size, conditionEmbedding: cond.embedding, hidden: config.hidden };
  const G = buildConditionalGenerator(generatorSpec);
  const D = buildConditionalDiscriminator({
    model: config.model,
    dataShape: data.shape,
    hidden: config.hidden,
    condition:
      mode === 'acgan'
        ? undefined
        : mode === 'cgan'
          ? cond.kind === 'tags'
            ? { size: cond.size, mode: 'concat', inputName: 'tags', embedding: TAG_MAPS, atInput: true }
            : { size: cond.size, mode: 'concat', inputName: 'label', atInput: own.classesAt === 'input' && config.model === 'dcgan' }
          : { size: cond.size, mode: 'projection', inputName: cond.kind === 'tags' ? 'tags' : 'label' },
    heads: mode === 'acgan' ? [{ name: headName, units: cond.size }] : [],
    spectralNorm: discriminatorSpectralNorm(stabilisers, mode),
  });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, stabilisers);
  const gPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const dPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const latentDim = config.latentDim;
  const dataShape = data.shape;

  /** D judging x against y: the adversarial score and, for ACGAN, the head's logits. */
  const criticFor = (y: tf.Tensor2D): Critic => ({
    judge([x]) {
      if (mode !== 'acgan') return { score: applyTraining(D, [x, y]) };
      const [score, logits] = D.apply(x, { training: true }) as tf.Tensor[];
      return { score, heads: { logits } };
    },
  });
  const headTerm = (out: CriticOutput, y: tf.Tensor2D) => cond.headLoss(out.heads!.logits, y);
  const dTerm = `d_${cond.head}_loss`;
  const gTerm = `g_${cond.head}_loss`;

  return composeVariant(
    {
      name: mode,
      latentDim,
      dataShape,
      capabilities: cond.capabilities,
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: () => buildConditionalGenerator(generatorSpec) },
      criticRound(ctx, sub) {
        const batch = realBatch(ctx, dataShape, sub);
        const y = cond.ofBatch(batch);
        const z = latentBatch(ctx, latentDim, sub);
        const fake = tf.tidy(() => applyTraining(G, [z, y]));
        return {
          players: dPlayer,
          duels: [{ critic: criticFor(y), real: [batch.x], fake: [fake] }],
          terms:
            mode === 'acgan'
              ? ([o]) => ({ [dTerm]: { value: tf.add(headTerm(o.real, y), headTerm(o.fake, y)) as tf.Scalar, weight: own.auxiliaryWeight } })
              : undefined,
          owned: [batch.x, y, z, fake],
        };
      },
      generatorRound(ctx, sub) {
        const z = latentBatch(ctx, latentDim, sub);
        const y = cond.prior(ctx, sub);
        const critic = criticFor(y);
        return {
          players: gPlayer,
          play: () => ({
            duels: [{ critic, fake: [applyTraining(G, [z, y])] }],
            terms: mode === 'acgan' ? ([out]) => ({ [gTerm]: { value: headTerm(out, y), weight: own.auxiliaryWeight } }) : undefined,
          }),
          owned: [z, y],
        };
      },
      /** Samples of the given classes or tag sets (see Conditioning.forSampling for the defaults). */
      generate(g, z, labels, tags) {
        const y = cond.forSampling(z.shape[0], labels, tags);
        const out = g.apply([z, y], { training: false }) as tf.Tensor;
        y.dispose();
        return out;
      },
      /** The adversarial score; CGAN and projection score x against the default conditions. */
      discriminate(x) {
        if (mode === 'acgan') {
          const [score, logits] = D.apply(x, { training: false }) as tf.Tensor[];
          logits.dispose();
          return score;
        }
        const y = cond.forSampling(x.shape[0]);
        const out = D.apply([x, y], { training: false }) as tf.Tensor;
        y.dispose();
        return out;
      },
    },
    stepSettings(config, stabilisers),
    {},
  );
}

registerVariant('cgan', (c, d) => buildConditionalGan('cgan', c, d), 'Mirza & Osindero 2014: label or tag set concatenated into G and D; sample --label K or --tags');
registerVariant('projection', (c, d) => buildConditionalGan('projection', c, d), 'Miyato & Koyama 2018: projection discriminator ψ(φ(x)) + ⟨embed(y), φ(x)⟩');
registerVariant('acgan', (c, d) => buildConditionalGan('acgan', c, d), 'Odena et al. 2017: D with an auxiliary classifier head (multi-label on tags)');
