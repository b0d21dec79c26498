import type { Dataset, MixtureDataset } from '../data/types.js';
import type { GanVariant } from '../gans/types.js';
import { STREAM } from '../core/streams.js';
import { modeCoverage } from '../metrics/modes.js';
import { drawSamples, drawTexts, type Samples } from './sampling.js';
import { isTextDataset } from '../data/text.js';
import { textMetrics } from '../metrics/ngram.js';

/** Stream for evaluation draws: apart from the fixed-noise grid and from training. */
export const EVAL_STREAM = 8;

export type Evaluation = Record<string, number | string>;

export function isMixture(data: Dataset): data is MixtureDataset {
  return data.kind === 'points' && Array.isArray((data as Partial<MixtureDataset>).modes);
}

/** The PacGAN protocol on a 2D mixture: 2,500 samples, high quality within 3 std. */
export function evaluateMixtureSamples(samples: Samples, data: MixtureDataset): Evaluation {
  const m = modeCoverage(samples.data, data.modes, data.std);
  return {
    samples: m.n,
    modes_captured: m.modesCaptured,
    modes_total: m.numModes,
    high_quality_share: m.highQualityShare,
    // With no high-quality sample the mode histogram is empty and KL is undefined, not 0.
    reverse_kl: m.modesCaptured === 0 ? 'undefined (no high-quality sample)' : m.reverseKL,
  };
}

/** What `gankit eval` and the end of training report for a variant on its data set. */
export async function evaluateVariant(variant: GanVariant, data: Dataset, opts: { seed: number; n?: number }): Promise<Evaluation> {
  if (isMixture(data)) {
    const samples = drawSamples(variant, data, opts.n ?? 2500, { seed: opts.seed, stream: EVAL_STREAM });
    return { data: data.name, ...evaluateMixtureSamples(samples, data) };
  }
  const n = opts.n ?? 1000;
  if (isTextDataset(data)) return { data: data.name, ...textMetrics(drawTexts(variant, data, n, { seed: opts.seed, stream: EVAL_STREAM }), data) };
  const samples = drawSamples(variant, data, n, { seed: opts.seed, stream: EVAL_STREAM });
  const { evaluateImageSamples } = await import('./evaluate-images.js');
  const scores = await evaluateImageSamples(samples, data);
  const [, h, w, c] = samples.shape;
  if (h !== 28 || w !== 28 || c !== 1) return { data: data.name, ...scores };
  const { conditionalDigitScores } = await import('./evaluate-conditional.js');
  return { data: data.name, ...scores, ...(await conditionalDigitScores(variant, samples.data, samples.labels, n, opts.seed, STREAM.evalCodes)) };
}
