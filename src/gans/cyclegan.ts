import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Dataset, StoredDataset } from '../data/types.js';
import { isUnpaired, unpairedDigits, type UnpairedDataset } from '../data/unpaired.js';
import { ConfigError, type RunConfig } from '../train/config.js';
import { createOptimizer } from '../train/optimizers.js';
import type { Rng } from '../train/rng.js';
import { lossByName } from '../losses/index.js';
import { buildPatchDiscriminator, buildTranslator } from '../nets/cyclegan.js';
import { initializeWeights } from '../nets/init.js';
import { ReplayBuffer } from '../nn/replay-buffer.js';
import { applyTraining, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext } from './types.js';

export const CycleGanOptionsSchema = z
  .object({
    /** λ_cyc: weight of the L1 cycle-consistency loss. */
    cycleWeight: z.number().nonnegative().default(10),
    /** Weight of the L1 identity loss (Zhu et al.'s 0.5·λ_cyc). */
    identityWeight: z.number().nonnegative().default(5),
    /** Fakes kept per domain in the replay buffer (0 turns it off). */
    bufferSize: z.number().int().nonnegative().default(50),
    /** Feature maps of the first layer of every network. */
    filters: z.number().int().positive().default(32),
    /** Dilation radius of the thick-digit domain when the variant builds the domains from bundled MNIST. */
    thickness: z.number().int().positive().default(1),
  })
  .strict();
export type CycleGanOptions = z.output<typeof CycleGanOptionsSchema>;

/** The CycleGAN variant: a GanVariant that also translates between the two domains. */
export interface CycleGanVariant extends GanVariant {
  readonly domains: UnpairedDataset;
  /** A→B with G or B→A with F, in model space; the caller owns the result. */
  translate(x: tf.Tensor, direction: 'a-to-b' | 'b-to-a'): tf.Tensor;
  /**
   * n images: domain-A images drawn with rng, each followed by its translation to B, so a
   * grid with an even number of columns shows source and result side by side.
   */
  sampleGrid(n: number, rng: Rng): tf.Tensor;
}

const l1 = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar;

/**
 * CycleGAN (Zhu et al. 2017): G: A→B and F: B→A with discriminators D_B and D_A, trained
 * with an adversarial loss (least squares, as the paper) plus λ_cyc·(‖F(G(a)) − a‖₁ +
 * ‖G(F(b)) − b‖₁) and the identity loss λ_id·(‖G(b) − b‖₁ + ‖F(a) − a‖₁). Each
 * iteration updates both generators, then both discriminators on fakes drawn through a
 * replay buffer of past fakes. With `--data mnist` the domains are digits (A) and
 * stroke-thickened digits (B), split so that no digit is in both.
 */
export function buildCycleGan(config: RunConfig, data: Dataset): CycleGanVariant {
  const parsed = CycleGanOptionsSchema.safeParse(config.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid options.${issue.path.join('.')}: ${issue.message}`);
  }
  const opts = parsed.data;
  let domains: UnpairedDataset;
  if (isUnpaired(data)) domains = data;
  else if (data.name === 'mnist') domains = unpairedDigits(opts.thickness);
  else throw new ConfigError(`cyclegan needs two unpaired domains; '${data.name}' is one (use --data mnist for digits ↔ thick digits, or an unpaired data set)`);
  if (config.loss.type === 'wgan' || config.loss.type === 'wgan-gp') {
    throw new ConfigError(`cyclegan does not implement ${config.loss.type}'s clipping or penalty; use --loss least-squares (the paper's choice) or another loss`);
  }
  const dataShape = [...domains.shape];
  const spec = { imageShape: dataShape, filters: opts.filters };
  const G = buildTranslator(spec, 'generator_ab');
  const F = buildTranslator(spec, 'generator_ba');
  const DA = buildPatchDiscriminator(spec, 'discriminator_a');
  const DB = buildPatchDiscriminator(spec, 'discriminator_b');
  [G, F, DA, DB].forEach((m, i) => initializeWeights(m, config.seed, STREAM.init + i));
  const bufferA = new ReplayBuffer(opts.bufferSize, dataShape, 'replay_a');
  const bufferB = new ReplayBuffer(opts.bufferSize, dataShape, 'replay_b');
  const optimizerG = createOptimizer(config.optimizerG);
  const optimizerD = createOptimizer(config.optimizerD);
  const gVars = [...trainableVariables(G), ...trainableVariables(F)];
  const dVars = [...trainableVariables(DA), ...trainableVariables(DB)];
  const loss = lossByName(config.loss.type, { realLabel: config.realLabel });

  const batchOf = (domain: StoredDataset, ctx: IterationContext, subStep: number) =>
    tf.tensor(domain.sample(ctx.batchSize, ctx.rng(STREAM.data, subStep)).x, [ctx.batchSize, ...dataShape]);

  return {
    name: 'cyclegan',
    latentDim: config.latentDim,
    dataShape,
    domains,
    models: () => ({ generator: G, generator_ba: F, discriminator: DB, discriminator_a: DA, replay_a: bufferA.model, replay_b: bufferB.model }),
    optimizers: () => ({ generator: optimizerG, discriminator: optimizerD }),
    trainIteration(ctx) {
      const realA = batchOf(domains.domainA, ctx, 0);
      const realB = batchOf(domains.domainB, ctx, 1);

      // Generators: fool both discriminators, come back around the cycle, leave the target domain alone.
      let fakeA: tf.Tensor | null = null;
      let fakeB: tf.Tensor | null = null;
      let parts: tf.Scalar[] = [];
      const gCost = optimizerG.minimize(
        () => {
          const fb = applyTraining(G, realA);
          const fa = applyTraining(F, realB);
          fakeB = tf.keep(fb);
          fakeA = tf.keep(fa);
          const adversarial = tf.add(loss.generator(applyTraining(DB, fb)), loss.generator(applyTraining(DA, fa)));
          const cycle = tf.add(l1(applyTraining(F, fb), realA), l1(applyTraining(G, fa), realB));
          const identity = opts.identityWeight > 0 ? tf.add(l1(applyTraining(G, realB), realB), l1(applyTraining(F, realA), realA)) : tf.scalar(0);
          parts = [adversarial, cycle, identity].map((t) => tf.keep(t as tf.Scalar));
          return tf.addN([adversarial, tf.mul(cycle, opts.cycleWeight), tf.mul(identity, opts.identityWeight)]) as tf.Scalar;
        },
        true,
        gVars,
      );
      const [adversarial, cycle, identity] = parts.map(takeScalar);

      // Discriminators: real images against a mix of new and replayed fakes.
      const rng = ctx.rng(STREAM.augment);
      const pastA = bufferA.query(fakeA!, rng);
      const pastB = bufferB.query(fakeB!, rng);
      const parts2: tf.Scalar[] = [];
      const dCost = optimizerD.minimize(
        () => {
          const lossA = loss.discriminator(applyTraining(DA, realA), applyTraining(DA, pastA));
          const lossB = loss.discriminator(applyTraining(DB, realB), applyTraining(DB, pastB));
          parts2.push(tf.keep(lossA), tf.keep(lossB));
          return tf.add(lossA, lossB) as tf.Scalar;
        },
        true,
        dVars,
      );
      const [dA, dB] = parts2.map(takeScalar);
      tf.dispose([realA, realB, fakeA!, fakeB!, pastA, pastB]);
      return {
        g_loss: takeScalar(gCost as tf.Scalar),
        g_adversarial: adversarial,
        cycle_loss: cycle,
        identity_loss: identity,
        d_loss: takeScalar(dCost as tf.Scalar),
        d_a_loss: dA,
        d_b_loss: dB,
      };
    },
    /**
     * CycleGAN has no latent space: the batch size of z picks that many fixed domain-A
     * images (the first of the set, so grids over training are comparable) and returns
     * their translations to B.
     */
    generate(zIn) {
      const n = zIn.shape[0];
      const per = dataShape.reduce((a, b) => a * b, 1);
      const source = new Float32Array(n * per);
      for (let i = 0; i < n; i++) source.set(domains.domainA.x.subarray((i % domains.domainA.size) * per, ((i % domains.domainA.size) + 1) * per), i * per);
      return tf.tidy(() => G.apply(tf.tensor(source, [n, ...dataShape]), { training: false }) as tf.Tensor);
    },
    translate(x, direction) {
      return tf.tidy(() => (direction === 'a-to-b' ? G : F).apply(x, { training: false }) as tf.Tensor);
    },
    sampleGrid(n, rng) {
      const pairs = Math.ceil(n / 2);
      return tf.tidy(() => {
        const a = tf.tensor(domains.domainA.sample(pairs, rng).x, [pairs, ...dataShape]);
        const b = G.apply(a, { training: false }) as tf.Tensor;
        return tf.slice(tf.reshape(tf.stack([a, b], 1), [2 * pairs, ...dataShape]), 0, n);
      });
    },
    samplingGenerator: (): tfl.LayersModel => G,
    discriminate: (x) => DB.apply(x, { training: false }) as tf.Tensor,
    dispose() {
      [G, F, DA, DB].forEach((m) => m.dispose());
      bufferA.dispose();
      bufferB.dispose();
      optimizerG.dispose();
      optimizerD.dispose();
    },
  };
}

registerVariant('cyclegan', buildCycleGan, 'Zhu et al. 2017: unpaired translation digits ↔ thick digits, cycle + identity losses, replay buffer');
