import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { STREAM, SUBSTEP_RANGES } from '../core/streams.js';
import type { GanObjective } from '../losses/types.js';
import type { JudgedDuel, Regulariser } from '../losses/regularisers.js';
import { takeScalar } from './common.js';
import { diffAugment, type Augmentation } from './diffaugment.js';
import { featureMatchingLoss, snapshotTraining } from './stabilisers.js';
import type { IterationContext, IterationLogs } from './types.js';

/**
 * The one adversarial step of gankit: Goodfellow et al.'s Algorithm 1 (k critic steps, then
 * one generator step) for every variant. A variant supplies parts (its duels, how a round's
 * batch is drawn and conditioned, its extra terms); this file owns the order of the updates,
 * the regularisers on every critic step, DiffAugment on everything a critic judges, and the
 * generator-step strategies (feature matching, unrolling).
 */

/** Who moves in an update: an optimizer and the variables it updates. */
export interface Player {
  readonly optimizer: tf.Optimizer;
  readonly variables: readonly tf.Variable[];
}

/** A scalar and the weight it enters a loss with. */
export interface WeightedTerm {
  readonly value: tf.Scalar;
  readonly weight: number;
}

/** A critic's outputs on one batch: the adversarial score and whatever heads share its body. */
export interface CriticOutput {
  score: tf.Tensor;
  heads?: Record<string, tf.Tensor>;
}

/** A discriminator as the step sees it: a function of the inputs a duel's sides hold. */
export interface Critic {
  judge(inputs: readonly tf.Tensor[]): CriticOutput;
  /** D's last hidden features (feature matching); absent where D has none to read. */
  features?(inputs: readonly tf.Tensor[]): tf.Tensor;
  /** The samples as D compares them (packed), for objectives that read samples. */
  view?(inputs: readonly tf.Tensor[]): tf.Tensor;
}

/** One discriminator judging real against fake in a critic step (sides detached from G). */
export interface Duel {
  readonly critic: Critic;
  readonly real: readonly tf.Tensor[];
  readonly fake: readonly tf.Tensor[];
  /** Logged as d_<name>_loss when a round has several duels. */
  readonly name?: string;
  /** Weight of this duel's adversarial loss (default 1). */
  readonly weight?: number;
}

export interface DuelOutputs {
  real: CriticOutput;
  fake: CriticOutput;
}

/** What one critic step of a variant consists of. */
export interface CriticRound {
  readonly players: readonly Player[];
  readonly duels: readonly Duel[];
  /** The variant's own terms of D's loss (auxiliary classifier, mutual information, labels), from the duels' outputs. */
  terms?(outputs: readonly DuelOutputs[]): Record<string, WeightedTerm>;
  /** Tensors the round made; disposed after the update. */
  readonly owned: readonly tf.Tensor[];
}

/** One discriminator as the generator plays against it. */
export interface GeneratorDuel {
  readonly critic: Critic;
  /** G's samples, differentiable in G. */
  readonly fake: readonly tf.Tensor[];
  /**
   * BiGAN: the real side also moves with the generator player (x, E(x)); G then minimises
   * D's own objective with the sides swapped.
   */
  readonly real?: readonly tf.Tensor[];
  readonly swapped?: boolean;
  readonly name?: string;
  readonly weight?: number;
}

/** What one generator step of a variant consists of. */
export interface GeneratorRound {
  readonly players: readonly Player[];
  /**
   * Runs inside the tape: the duels as G plays them now, and the variant's own terms of G's
   * loss, from the critics' outputs on the duels' fakes (ACGAN's class head, InfoGAN's Q).
   */
  play(): { duels: readonly GeneratorDuel[]; terms?(outputs: readonly CriticOutput[]): Record<string, WeightedTerm> };
  /** Feature matching: a real batch, as the critic's inputs, for every duel. */
  readonly matchingReal?: readonly tf.Tensor[];
  readonly owned: readonly tf.Tensor[];
}

/** What a variant supplies to the step. */
export interface GameParts {
  criticRound(ctx: IterationContext, subStep: number): CriticRound;
  /** null: no generator update this iteration. */
  generatorRound(ctx: IterationContext, subStep: number, want: { matchingReal: boolean }): GeneratorRound | null;
  /** What the unrolled GAN puts back after its look-ahead steps. */
  readonly discriminators: { models: readonly tfl.LayersModel[]; optimizers: readonly tf.Optimizer[] };
}

/** How the step runs, the same for every variant: from the config through the objective table. */
export interface StepSettings {
  readonly objective: GanObjective;
  readonly regularisers: readonly Regulariser[];
  /** k of Algorithm 1. */
  readonly criticSteps: number;
  /** DiffAugment policy on every image a critic judges, real or fake, in D's and G's steps. */
  readonly augment: readonly Augmentation[];
  readonly featureMatching: boolean;
  readonly unrolledSteps: number;
}

/**
 * Minimises objective().total, each player with its own optimizer, from one gradient
 * computation; returns the total and the named parts as numbers. Variables the loss does not
 * reach get a zero gradient, so every optimizer sees the same variable list at every step
 * (TF.js's Adam keys its moments by position).
 */
export function minimizeLogged(
  players: readonly Player[],
  objective: () => { total: tf.Scalar; logged: Record<string, tf.Scalar> },
): { total: number; logged: Record<string, number> } {
  const variables = players.flatMap((p) => p.variables);
  const kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const { total, logged } = objective();
    // A logged part may be the total itself; keep a copy so each is read and freed once.
    for (const [name, t] of Object.entries(logged)) kept[name] = tf.keep(t === total ? tf.clone(t) : t);
    return total;
  }, [...variables]);
  const fills: tf.Tensor[] = [];
  for (const p of players) {
    p.optimizer.applyGradients(
      p.variables.map((v) => {
        let g = grads[v.name];
        if (g === undefined) fills.push((g = tf.zerosLike(v)));
        return { name: v.name, tensor: g };
      }),
    );
  }
  tf.dispose([...Object.values(grads), ...fills]);
  const logged: Record<string, number> = {};
  for (const [name, t] of Object.entries(kept)) logged[name] = takeScalar(t);
  return { total: takeScalar(value), logged };
}

/** Accumulates a loss: total + weight·term, the term logged under its name. */
class LossSum {
  total: tf.Scalar | null = null;
  readonly logged: Record<string, tf.Scalar> = {};
  add(term: tf.Scalar, weight = 1, name?: string): void {
    if (name) this.logged[name] = term;
    const weighted = weight === 1 ? term : (tf.mul(term, weight) as tf.Scalar);
    this.total = this.total === null ? weighted : (tf.add(this.total, weighted) as tf.Scalar);
  }
  result(): { total: tf.Scalar; logged: Record<string, tf.Scalar> } {
    return { total: this.total ?? tf.scalar(0), logged: this.logged };
  }
}

/** DiffAugment on a step's image inputs; draws are numbered in call order within the iteration. */
class Augmenter {
  private calls = 0;
  constructor(
    private readonly ctx: IterationContext,
    private readonly policy: readonly Augmentation[],
  ) {}
  /** Augments the image inputs (rank 4) of a side; returns the side and what it made. */
  side(inputs: readonly tf.Tensor[], made: tf.Tensor[]): tf.Tensor[] {
    if (this.policy.length === 0) return [...inputs];
    return inputs.map((x) => {
      if (x.rank !== 4) return x;
      const y = diffAugment(x as tf.Tensor4D, this.policy, this.ctx.rng(STREAM.augment, this.calls++));
      made.push(y);
      return y;
    });
  }
}

const viewOf = (critic: Critic, inputs: readonly tf.Tensor[]): tf.Tensor => (critic.view ? critic.view(inputs) : inputs[0]);

/** One critic update: every duel's loss, the variant's terms, every regulariser; then the projections. */
function criticStep(parts: GameParts, s: StepSettings, ctx: IterationContext, subStep: number, augment: Augmenter): IterationLogs {
  const round = parts.criticRound(ctx, subStep);
  const made: tf.Tensor[] = [];
  const duels = round.duels.map((d) => ({ ...d, real: augment.side(d.real, made), fake: augment.side(d.fake, made) }));
  const penaltyRng = ctx.rng(STREAM.penalty, subStep);
  const variables = round.players.flatMap((p) => p.variables);
  const { total, logged } = minimizeLogged(round.players, () => {
    const sum = new LossSum();
    const outputs = duels.map((d) => ({ real: d.critic.judge(d.real), fake: d.critic.judge(d.fake) }));
    duels.forEach((d, i) => {
      const o = outputs[i];
      const adversarial = s.objective.discriminator(o.real.score, o.fake.score, viewOf(d.critic, d.real), viewOf(d.critic, d.fake));
      sum.add(adversarial, d.weight ?? 1, duels.length > 1 ? `d_${d.name ?? i}_loss` : undefined);
    });
    for (const [name, t] of Object.entries(round.terms?.(outputs) ?? {})) sum.add(t.value, t.weight, name);
    for (const r of s.regularisers) if (r.parameterPenalty) sum.add(r.parameterPenalty(variables), r.weight, r.name);
    for (const r of s.regularisers) {
      if (!r.duelPenalty) continue;
      const penalties = duels.map((d, i) => {
        const judged: JudgedDuel = {
          score: (xs) => d.critic.judge(xs).score,
          real: d.real,
          fake: d.fake,
          realScore: outputs[i].real.score,
          fakeScore: outputs[i].fake.score,
        };
        return r.duelPenalty!(judged, penaltyRng);
      });
      sum.add(penalties.length === 1 ? penalties[0] : (tf.addN(penalties) as tf.Scalar), r.weight, r.name);
    }
    return sum.result();
  });
  for (const r of s.regularisers) r.project?.(variables);
  tf.dispose([...round.owned, ...made]);
  return { d_loss: total, ...logged };
}

/** One generator update, with feature matching or unrolling when asked. */
function generatorStep(parts: GameParts, s: StepSettings, ctx: IterationContext, augment: Augmenter): IterationLogs {
  const round = parts.generatorRound(ctx, s.criticSteps, { matchingReal: s.featureMatching });
  if (round === null) return {};
  const made: tf.Tensor[] = [];
  const matchingReal = round.matchingReal ? augment.side(round.matchingReal, made) : null;
  // Unrolled GAN: let D look ahead, take G's step against that D, then put D back.
  const restore = s.unrolledSteps > 0 ? snapshotTraining(parts.discriminators.models, parts.discriminators.optimizers) : null;
  for (let i = 0; i < s.unrolledSteps; i++) criticStep(parts, s, ctx, SUBSTEP_RANGES.lookAhead.start + i, augment);
  const { total, logged } = minimizeLogged(round.players, () => {
    const { duels, terms } = round.play();
    const sum = new LossSum();
    const outputs = duels.map((d) => {
      const fake = augment.side(d.fake, []);
      let out: CriticOutput | null = null;
      const judgeFake = () => (out ??= d.critic.judge(fake));
      let adversarial: tf.Scalar;
      if (matchingReal) {
        const realFeatures = tf.tidy(() => d.critic.features!(matchingReal));
        adversarial = featureMatchingLoss(realFeatures, d.critic.features!(fake));
        realFeatures.dispose();
      } else if (d.swapped && d.real) {
        const real = augment.side(d.real, []);
        adversarial = s.objective.discriminator(judgeFake().score, d.critic.judge(real).score, viewOf(d.critic, fake), viewOf(d.critic, real));
      } else {
        adversarial = s.objective.generator(judgeFake().score);
      }
      sum.add(adversarial, d.weight ?? 1, duels.length > 1 ? `g_${d.name}_loss` : undefined);
      return judgeFake;
    });
    if (terms) {
      const extra = Object.entries(terms(outputs.map((judge) => judge())));
      if (extra.length > 0 && sum.total) sum.logged.g_adversarial = sum.total;
      for (const [name, t] of extra) sum.add(t.value, t.weight, name);
    }
    return sum.result();
  });
  restore?.();
  tf.dispose([...round.owned, ...made]);
  return { g_loss: total, ...logged };
}

/** Each key's mean over the k critic steps (not only the last step's value). */
function meanLogs(steps: readonly IterationLogs[]): IterationLogs {
  const sums: IterationLogs = {};
  for (const logs of steps) for (const [k, v] of Object.entries(logs)) sums[k] = (sums[k] ?? 0) + v;
  for (const k of Object.keys(sums)) sums[k] /= steps.length;
  return sums;
}

/** Algorithm 1: criticSteps updates of D, then one of G. */
export function adversarialIteration(parts: GameParts, s: StepSettings, ctx: IterationContext): IterationLogs {
  const augment = new Augmenter(ctx, s.augment);
  const critic: IterationLogs[] = [];
  for (let k = 0; k < s.criticSteps; k++) critic.push(criticStep(parts, s, ctx, k, augment));
  return { ...meanLogs(critic), ...generatorStep(parts, s, ctx, augment) };
}
