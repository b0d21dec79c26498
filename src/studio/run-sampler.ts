import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig, RUN_FILES } from '../train/run-folder.js';
import type { RunHandle } from '../train/run.js';
import { STREAM } from '../core/streams.js';
import type { RunCondition, SampleAnswer } from './sample-api.js';

export type { RunCondition, SampleAnswer } from './sample-api.js';

/**
 * What the run viewer asks the studio server to draw: `gankit sample --run DIR --tags …`
 * done in the server's process, for generators a page cannot sample alone (a tag run's
 * tag sets come from its data set, which only the Node side can load). The request names
 * no path: the sampler reads the one run folder the server was started on, and refuses
 * when a file it would read there (config.json, the checkpoint's folder) is a symbolic
 * link, as the server's file routes refuse links that leave their root. The data set the
 * run names is loaded as `gankit sample` loads it.
 */

export class SampleRequestError extends Error {
  override name = 'SampleRequestError';
  constructor(
    message: string,
    /** The HTTP status the server answers with. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** The most samples one request draws (the viewer shows 64). */
export const MAX_SAMPLES_PER_REQUEST = 256;

/** The stream `gankit sample` draws from (src/cli/sample.ts), so the same seed gives the same samples. */
const SAMPLE_STREAM = STREAM.sampleNoise;

/** Refuses when `rel` under `root`, or any folder on the way, or anything inside it, is a symbolic link. */
export function assertNoLinks(root: string, rel: string): void {
  const parts = rel.split('/').filter((p) => p.length > 0);
  let path = root;
  for (const part of parts) {
    path = join(path, part);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      throw new SampleRequestError(`${rel} is missing from the run folder`, 404);
    }
    if (st.isSymbolicLink()) throw new SampleRequestError(`${rel} in the run folder is (or passes through) a symbolic link; the studio samples only from files inside the run folder`, 403);
  }
  const walk = (dir: string, shown: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) throw new SampleRequestError(`${shown}/${name} in the run folder is a symbolic link; the studio samples only from files inside the run folder`, 403);
      if (st.isDirectory()) walk(p, `${shown}/${name}`);
    }
  };
  if (lstatSync(path).isDirectory()) walk(path, rel);
}

function intParam(q: URLSearchParams, name: string, min: number, max: number, fallback: number | undefined): number | undefined {
  const text = q.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new SampleRequestError(`${name} must be a whole number from ${min} to ${max}; got '${text.slice(0, 40)}'`, 400);
  return Number(text);
}

/**
 * Opens the served run at a checkpoint (kept open for the next request at that step) and
 * draws from it; requests run one at a time.
 */
export class RunSampler {
  private open: RunHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly runDir: string) {}

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async handle(step: number | undefined): Promise<RunHandle> {
    const [{ listCheckpoints, checkpointName }, tf] = await Promise.all([import('../train/checkpoint.js'), import('@tensorflow/tfjs-core')]);
    const steps = listCheckpoints(this.runDir);
    if (steps.length === 0) throw new SampleRequestError('this run has no checkpoint yet; the viewer can sample once training has saved one', 404);
    const want = step ?? steps[steps.length - 1];
    if (!steps.includes(want)) throw new SampleRequestError(`this run has no checkpoint at step ${want}; it has: ${steps.join(', ')}`, 404);
    if (this.open?.startStep === want) return this.open;
    assertNoLinks(this.runDir, RUN_FILES.config);
    assertNoLinks(this.runDir, `${RUN_FILES.checkpoints}/${checkpointName(want)}`);
    // The server may run before any TF.js backend is chosen (`gankit studio` starts none).
    if (!(tf.engine() as { backendName?: string }).backendName) {
      const { initBackend } = await import('../backend/index.js');
      await initBackend('auto');
    }
    this.close();
    const { openRun } = await import('../train/run.js');
    this.open = await openRun(this.runDir, { step: want, weightsOnly: true });
    return this.open;
  }

  /** What the run's generator takes; plain variants answer without loading anything. */
  condition(): Promise<RunCondition> {
    return this.serial(async () => {
      const { CONDITIONAL_VARIANTS } = await import('../gans/conditional.js');
      assertNoLinks(this.runDir, RUN_FILES.config);
      const config = readRunConfig(this.runDir);
      if (!CONDITIONAL_VARIANTS.includes(String(config.variant))) return { kind: 'none' };
      const { variant } = await this.handle(undefined);
      const tags = variant.capabilities.tags;
      if (tags) return { kind: 'tags', tags: [...tags] };
      const classes = variant.capabilities.labels;
      return classes !== null ? { kind: 'classes', classes } : { kind: 'none' };
    });
  }

  /** `gankit sample --run DIR [--step N] --n N [--tags "a,b"] --seed S`, answered as data. */
  sample(query: URLSearchParams): Promise<SampleAnswer> {
    return this.serial(async () => {
      const step = intParam(query, 'step', 0, Number.MAX_SAFE_INTEGER, undefined);
      const n = intParam(query, 'n', 1, MAX_SAMPLES_PER_REQUEST, 64) as number;
      const seed = intParam(query, 'seed', 0, 2 ** 31 - 1, 0) as number;
      const tagText = query.get('tags');
      const run = await this.handle(step);
      const [{ conditionFromFlags }, { UsageError }, { drawSamples }, { isTextDataset }] = await Promise.all([
        import('../cli/condition-flags.js'),
        import('../cli/errors.js'),
        import('../train/sampling.js'),
        import('../data/text.js'),
      ]);
      if (isTextDataset(run.data)) {
        const { drawTexts } = await import('../train/sampling.js');
        const words = drawTexts(run.variant, run.data, n, { seed, stream: SAMPLE_STREAM });
        return { step: run.startStep, kind: 'text', shape: [n], words, tags: [], matching: null, seed };
      }
      let tags: number[] | undefined;
      let tagNames: string[] = [];
      try {
        ({ tags, tagNames = [] } = conditionFromFlags(run.variant, run.config.variant, { tags: tagText === null || tagText === '' ? undefined : tagText }));
      } catch (e) {
        if (e instanceof UsageError) throw new SampleRequestError(e.message, 400);
        throw e;
      }
      const samples = drawSamples(run.variant, run.data, n, { seed, stream: SAMPLE_STREAM, tags });
      const base = { step: run.startStep, kind: samples.kind, shape: samples.shape, tags: tagNames, matching: samples.tagMatches ?? null, seed };
      if (samples.kind !== 'images') return { ...base, points: Array.from(samples.data) };
      const bytes = new Uint8Array(samples.data.length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, samples.data[i])) * 255);
      return { ...base, pixels: Buffer.from(bytes).toString('base64') };
    });
  }

  /** Frees the open run's networks. */
  close(): void {
    this.open?.variant.dispose();
    this.open = null;
  }
}
