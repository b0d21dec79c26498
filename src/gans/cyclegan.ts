import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Dataset } from '../data/types.js';
import { isUnpaired, unpairedDigits, type UnpairedDataset } from '../data/unpaired.js';
import { ConfigError } from '../core/errors.js';
import type { RunConfig } from '../train/config.js';
import type { Rng } from '../core/rng.js';
import { buildPatchDiscriminator, buildTranslator } from '../nets/cyclegan.js';
import { initializeWeights } from '../nets/init.js';
import { ReplayBuffer } from '../nn/replay-buffer.js';
import { applyTraining, trainableVariables } from './common.js';
import type { Critic } from './step.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';
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
 * ‖G(F(b)) − b‖₁) and the identity loss λ_id·(‖G(b) − b‖₁ + ‖F(a) − a‖₁). Each critic
 * step plays two duels, D_A and D_B, each against fakes drawn through a replay buffer of
 * past fakes; each generator step moves G and F together. With `--data mnist` the domains
 * are digits (A) and stroke-thickened digits (B), split so that no digit is in both.
 */
export function buildCycleGan(config: RunConfig, data: Dataset): CycleGanVariant {
  const { own: opts, stabilisers } = readVariantOptions(config, data, { variant: 'cyclegan', own: CycleGanOptionsSchema, ema: false });
  let domains: UnpairedDataset;
  if (isUnpaired(data)) domains = data;
  else if (data.name === 'mnist') domains = unpairedDigits(opts.thickness);
  else throw new ConfigError(`cyclegan needs two unpaired domains; '${data.name}' is one (use --data mnist for digits ↔ thick digits, or an unpaired data set)`);
  const dataShape = [...domains.shape];
  const spec = { imageShape: dataShape, filters: opts.filters };
  const G = buildTranslator(spec, 'generator_ab');
  const F = buildTranslator(spec, 'generator_ba');
  const DA = buildPatchDiscriminator(spec, 'discriminator_a');
  const DB = buildPatchDiscriminator(spec, 'discriminator_b');
  [G, F, DA, DB].forEach((m, i) => initializeWeights(m, config.seed, STREAM.init + i));
  const bufferA = new ReplayBuffer(opts.bufferSize, dataShape, 'replay_a');
  const bufferB = new ReplayBuffer(opts.bufferSize, dataShape, 'replay_b');
  const optimizers = createOptimizers(config, stabilisers);
  const generators = [{ optimizer: optimizers.generator, variables: [...trainableVariables(G), ...trainableVariables(F)] }];
  const discriminators = [{ optimizer: optimizers.discriminator, variables: [...trainableVariables(DA), ...trainableVariables(DB)] }];
  const criticA: Critic = { judge: ([x]) => ({ score: applyTraining(DA, x) }) };
  const criticB: Critic = { judge: ([x]) => ({ score: applyTraining(DB, x) }) };

  /** One batch of each domain, drawn one after the other from the round's data stream. */
  function batches(ctx: IterationContext, sub: number): [tf.Tensor, tf.Tensor] {
    const rng = ctx.rng(STREAM.data, sub);
    const a = tf.tensor(domains.domainA.sample(ctx.batchSize, rng).x, [ctx.batchSize, ...dataShape]);
    const b = tf.tensor(domains.domainB.sample(ctx.batchSize, rng).x, [ctx.batchSize, ...dataShape]);
    return [a, b];
  }

  return composeVariant<Pick<CycleGanVariant, 'domains' | 'translate' | 'sampleGrid'>>(
    {
      name: 'cyclegan',
      latentDim: config.latentDim,
      dataShape,
      capabilities: { translate: true },
      models: { generator: G, generator_ba: F, discriminator: DB, discriminator_a: DA, replay_a: bufferA.model, replay_b: bufferB.model },
      optimizers,
      discriminators: { models: [DA, DB], optimizers: [optimizers.discriminator] },
      sampler: { model: G },
      criticRound(ctx, sub) {
        const [realA, realB] = batches(ctx, sub);
        const [fakeA, fakeB] = tf.tidy(() => [applyTraining(F, realB), applyTraining(G, realA)]);
        // Real images against a mix of new and replayed fakes.
        const rng = ctx.rng(STREAM.replay, sub);
        const pastA = bufferA.query(fakeA, rng);
        const pastB = bufferB.query(fakeB, rng);
        return {
          players: discriminators,
          duels: [
            { critic: criticA, real: [realA], fake: [pastA], name: 'a' },
            { critic: criticB, real: [realB], fake: [pastB], name: 'b' },
          ],
          owned: [realA, realB, fakeA, fakeB, pastA, pastB],
        };
      },
      generatorRound(ctx, sub) {
        const [realA, realB] = batches(ctx, sub);
        return {
          players: generators,
          // Fool both discriminators, come back around the cycle, leave the target domain alone.
          play() {
            const fakeB = applyTraining(G, realA);
            const fakeA = applyTraining(F, realB);
            const terms = () => ({
              cycle_loss: { value: tf.add(l1(applyTraining(F, fakeB), realA), l1(applyTraining(G, fakeA), realB)) as tf.Scalar, weight: opts.cycleWeight },
              ...(opts.identityWeight > 0
                ? { identity_loss: { value: tf.add(l1(applyTraining(G, realB), realB), l1(applyTraining(F, realA), realA)) as tf.Scalar, weight: opts.identityWeight } }
                : {}),
            });
            return {
              duels: [
                { critic: criticB, fake: [fakeB], name: 'b' },
                { critic: criticA, fake: [fakeA], name: 'a' },
              ],
              terms,
            };
          },
          owned: [realA, realB],
        };
      },
      /**
       * CycleGAN has no latent space: the batch size of z picks that many fixed domain-A
       * images (the first of the set, so grids over training are comparable) and returns
       * their translations to B.
       */
      generate(g, zIn) {
        const n = zIn.shape[0];
        const per = dataShape.reduce((a, b) => a * b, 1);
        const source = new Float32Array(n * per);
        for (let i = 0; i < n; i++) source.set(domains.domainA.x.subarray((i % domains.domainA.size) * per, ((i % domains.domainA.size) + 1) * per), i * per);
        return tf.tidy(() => g.apply(tf.tensor(source, [n, ...dataShape]), { training: false }) as tf.Tensor);
      },
      sampleGrid: (n, rng) => sampleGrid(n, rng),
      discriminate: (x) => DB.apply(x, { training: false }) as tf.Tensor,
    },
    stepSettings(config, stabilisers),
    {
      domains,
      translate: (x: tf.Tensor, direction: 'a-to-b' | 'b-to-a') => tf.tidy(() => (direction === 'a-to-b' ? G : F).apply(x, { training: false }) as tf.Tensor),
      sampleGrid: (n: number, rng: Rng) => sampleGrid(n, rng),
    },
  );

  function sampleGrid(n: number, rng: Rng): tf.Tensor {
    const pairs = Math.ceil(n / 2);
    return tf.tidy(() => {
      const a = tf.tensor(domains.domainA.sample(pairs, rng).x, [pairs, ...dataShape]);
      const b = G.apply(a, { training: false }) as tf.Tensor;
      return tf.slice(tf.reshape(tf.stack([a, b], 1), [2 * pairs, ...dataShape]), 0, n);
    });
  }
}

registerVariant('cyclegan', buildCycleGan, 'Zhu et al. 2017: unpaired translation digits ↔ thick digits, cycle + identity losses, replay buffer');
