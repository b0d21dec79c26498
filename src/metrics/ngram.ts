/**
 * The text metrics of Gulrajani et al. (2017, section 5): the Jensen–Shannon divergence
 * between the character n-gram distributions of generated and held-out text, plus the
 * share of generated words that are real words and how many are distinct.
 */

/** Relative frequencies of the character n-grams inside each sequence. */
export function ngramDistribution(sequences: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const s of sequences) {
    const chars = [...s];
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
      total++;
    }
  }
  for (const [k, c] of counts) counts.set(k, c / total);
  return counts;
}

/**
 * JS(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = ½(P + Q), in nats: 0 for identical distributions,
 * ln 2 for disjoint ones. An empty distribution (no n-gram at all) is as far as can be: ln 2.
 */
export function jensenShannon(p: ReadonlyMap<string, number>, q: ReadonlyMap<string, number>): number {
  if (p.size === 0 || q.size === 0) return p.size === q.size ? 0 : Math.LN2;
  let js = 0;
  for (const key of new Set([...p.keys(), ...q.keys()])) {
    const a = p.get(key) ?? 0;
    const b = q.get(key) ?? 0;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log(a / m);
    if (b > 0) js += 0.5 * b * Math.log(b / m);
  }
  return Math.max(0, js);
}

export function ngramJensenShannon(generated: readonly string[], reference: readonly string[], n: number): number {
  return jensenShannon(ngramDistribution(generated, n), ngramDistribution(reference, n));
}

export interface TextMetrics {
  samples: number;
  /** JS of n-grams against the held-out text, n = 1…4. */
  js1: number;
  js2: number;
  js3: number;
  js4: number;
  /** Share of samples that are held-out words (real, never trained on): generalisation. */
  held_out_word_share: number;
  /** Share of samples that are training words: copying. */
  train_word_share: number;
  distinct: number;
}

export function textMetrics(generated: readonly string[], corpus: { train: readonly string[]; heldOut: readonly string[] }): TextMetrics {
  const train = new Set(corpus.train);
  const heldOut = new Set(corpus.heldOut);
  const share = (set: Set<string>) => (generated.length ? generated.filter((w) => set.has(w)).length / generated.length : 0);
  const [js1, js2, js3, js4] = [1, 2, 3, 4].map((n) => ngramJensenShannon(generated, corpus.heldOut, n));
  return {
    samples: generated.length,
    js1,
    js2,
    js3,
    js4,
    held_out_word_share: share(heldOut),
    train_word_share: share(train),
    distinct: new Set(generated).size,
  };
}
