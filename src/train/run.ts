import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { loadDataset, prepareDataset } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import { createVariant } from '../gans/index.js';
import type { GanVariant, IterationLogs } from '../gans/types.js';
import { imageGrid, pointsPlot, boundsOf } from '../io/grid.js';
import { writePng } from '../io/png.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writeReport, readJsonIfExists, reportPaths } from '../io/report.js';
import { resolveConfig, type RunConfig, type RunConfigInput } from './config.js';
import { saveCheckpoint, loadCheckpoint, listCheckpoints, checkpointName } from './checkpoint.js';
import { createRunFolder, readRunConfig, appendMetrics, readMetrics, truncateMetrics, sampleImages, cleanRunFolder, RunFolderError, RUN_FILES } from './run-folder.js';
import { checkConfigLimits } from './limits.js';
import { runTraining, weightsAreFinite, DivergenceError } from './trainer.js';
import { drawSamples, drawTexts } from './sampling.js';
import { isTextDataset } from '../data/text.js';
import { existsSync } from 'node:fs';
import { evaluateVariant, isMixture } from './evaluate.js';
import { progressBar } from './progress.js';
import { Rng } from './rng.js';

export interface RunHandle {
  dir: string;
  config: RunConfig;
  data: Dataset;
  variant: GanVariant;
  /** Iterations already completed (from the checkpoint on resume). */
  startStep: number;
}

/** Starts a new run folder: resolves the config, builds the variant from the seed. */
export function startRun(input: RunConfigInput, dir: string): RunHandle {
  const data = loadDataset(input.data ?? 'mnist', input.dataOptions);
  const config = resolveConfig(input, data.kind);
  checkConfigLimits(config);
  // Built before the folder: a config the variant refuses leaves nothing on disk.
  const variant = createVariant(config, data);
  try {
    createRunFolder(dir, config);
  } catch (e) {
    variant.dispose();
    throw e;
  }
  return { dir, config, data, variant, startStep: 0 };
}

/**
 * Runs of gumbel and seqgan from before gankit gave text data its own default model recorded
 * the image default, dcgan, which their networks never read: they open as the text-resnet
 * runs they are (gumbel and seqgan now refuse any other --model).
 */
function recordedModel(saved: RunConfig): RunConfig {
  return (saved.variant === 'gumbel' || saved.variant === 'seqgan') && saved.model === 'dcgan' ? { ...saved, model: 'text-resnet' } : saved;
}

/**
 * Opens a run folder at its latest (or a chosen) checkpoint; `steps` may raise the target.
 * `weightsOnly` skips the optimizers' state (sampling and scoring need only the weights).
 */
export async function openRun(dir: string, opts: { step?: number; steps?: number; weightsOnly?: boolean } = {}): Promise<RunHandle> {
  const saved = recordedModel(readRunConfig(dir));
  await prepareDataset(saved.data, saved.dataOptions);
  const data = loadDataset(saved.data, saved.dataOptions);
  const config = resolveConfig({ ...saved, steps: opts.steps ?? saved.steps }, data.kind);
  checkConfigLimits(config);
  const steps = listCheckpoints(dir);
  const want = opts.step ?? steps[steps.length - 1];
  if (want !== undefined && !steps.includes(want)) throw new RunFolderError(`${dir} has no checkpoint at step ${want}; it has: ${steps.join(', ') || 'none'}`);
  if (want === undefined && opts.step !== undefined) throw new RunFolderError(`${dir} has no checkpoints yet`);
  const variant = createVariant(config, data);
  let startStep = 0;
  if (want !== undefined) {
    try {
      startStep = (await loadCheckpoint(dir, variant, want, { optimizers: opts.weightsOnly !== true })).step;
    } catch (e) {
      variant.dispose();
      throw e;
    }
  }
  return { dir, config, data, variant, startStep };
}

/**
 * Opens a run to continue training it: its latest checkpoint, weights and optimizers.
 * A run with no checkpoint is refused rather than silently restarted at step 0.
 */
export async function resumeRun(dir: string, opts: { steps?: number } = {}): Promise<RunHandle> {
  const run = await openRun(dir, { steps: opts.steps });
  if (run.startStep === 0) {
    run.variant.dispose();
    throw new RunFolderError(
      `${dir} has no checkpoint to resume from (it stopped before its first, due every ${run.config.checkpointEvery} steps); train it again into a new --out, or delete ${dir} first`,
    );
  }
  cleanRunFolder(dir);
  return run;
}

/** Writes the fixed-noise sample picture for a step: a grid of images or a scatter of points. */
export function writeSampleImage(run: RunHandle, step: number): string {
  const { variant, data, config } = run;
  const path = join(run.dir, RUN_FILES.samples, `${checkpointName(step)}.png`);
  if (isTextDataset(data)) {
    // Text runs keep their samples as words, one per line, beside the image runs' pictures.
    const textPath = path.replace(/\.png$/, '.txt');
    if (!existsSync(textPath)) writeFileAtomic(textPath, drawTexts(variant, data, config.gridSize, { seed: config.seed }).join('\n') + '\n');
    return textPath;
  }
  if (data.kind === 'points') {
    const fake = drawSamples(variant, data, 1000, { seed: config.seed });
    const real = data.sample(1000, new Rng(config.seed + 1)).x;
    const modes = isMixture(data) ? data.modes : undefined;
    writePng(path, pointsPlot({ fake: fake.data, real, modes, bounds: boundsOf(real) }));
  } else {
    const s = drawSamples(variant, data, config.gridSize, { seed: config.seed });
    const [n, h, w, c] = s.shape;
    writePng(path, imageGrid(s.data, [n, h, w, c]));
  }
  return path;
}

/** Re-renders report.html from what the run folder holds. */
export function writeRunReport(run: Pick<RunHandle, 'dir' | 'config'>, notes: string[] = []): string {
  const { html, eval: evalPath } = reportPaths(run.dir);
  const c = run.config;
  writeReport(html, {
    title: `gankit run: ${c.variant} / ${c.model} / ${c.loss.type} on ${c.data}`,
    config: c,
    metrics: readMetrics(run.dir),
    samples: sampleImages(run.dir),
    evaluation: readJsonIfExists(evalPath),
    notes,
  });
  return html;
}

export interface TrainRunOptions {
  quiet?: boolean;
  /** Stop after this many iterations of this call (tests use it to simulate interruption). */
  maxIterations?: number;
  /** Skip the final evaluation (tests). */
  skipEvaluation?: boolean;
  backendName?: string;
  /** When it aborts (Ctrl-C), training finishes the step under way, checkpoints it and stops. */
  signal?: AbortSignal;
}

export interface TrainRunResult {
  step: number;
  diverged: DivergenceError | null;
  lastCheckpoint: number | null;
  /** True when `signal` stopped training before its target; step `step` is checkpointed. */
  interrupted: boolean;
}

/** Thrown from the iteration callback to leave the training loop after a checkpoint. */
class Interrupted extends Error {
  constructor(readonly step: number) {
    super(`interrupted at step ${step}`);
  }
}

/**
 * Trains a run to its target: logs every logEvery steps to metrics.jsonl, writes fixed-noise
 * samples and checkpoints on schedule, evaluates and writes the report at the end. On a
 * non-finite loss it stops, keeps the last good checkpoint and says so in the report.
 */
export async function trainRun(run: RunHandle, opts: TrainRunOptions = {}): Promise<TrainRunResult> {
  const { config, variant, dir } = run;
  cleanRunFolder(dir);
  if (run.startStep > 0) truncateMetrics(dir, run.startStep);
  if (run.startStep === 0 && sampleImages(dir).length === 0) writeSampleImage(run, 0);
  const progress = progressBar({ total: config.steps, start: run.startStep, quiet: opts.quiet });
  const t0 = performance.now();
  let lastCheckpoint: number | null = listCheckpoints(dir).at(-1) ?? null;
  // Measured after the first iteration: optimizers create their slot variables lazily then.
  let baselineTensors: number | null = null;
  const mean: Record<string, { sum: number; n: number }> = {};

  const onIteration = async (step: number, logs: IterationLogs) => {
    for (const [k, v] of Object.entries(logs)) {
      mean[k] ??= { sum: 0, n: 0 };
      mean[k].sum += v;
      mean[k].n++;
    }
    const last = step === config.steps;
    if (step % config.logEvery === 0 || last) {
      const row: Record<string, number> = { step };
      for (const [k, m] of Object.entries(mean)) row[k] = m.sum / m.n;
      row.seconds = Math.round((performance.now() - t0) / 10) / 100;
      appendMetrics(dir, row);
      for (const k of Object.keys(mean)) delete mean[k];
    }
    if (step % config.sampleEvery === 0 || last) writeSampleImage(run, step);
    const stop = opts.signal?.aborted === true && !last;
    if ((step % config.checkpointEvery === 0 || last || stop) && !listCheckpoints(dir).includes(step)) {
      if (!weightsAreFinite(variant)) throw new DivergenceError(step, { weights: NaN });
      await saveCheckpoint(dir, variant, { step, seed: config.seed, backend: opts.backendName ?? tf.getBackend(), elapsedSeconds: (performance.now() - t0) / 1000 });
      lastCheckpoint = step;
    }
    progress.update(step, logs);
    if (baselineTensors === null) baselineTensors = tf.memory().numTensors;
    if (stop) throw new Interrupted(step);
    // Steps chain as microtasks; yield to the event loop so a signal's handler can run.
    if (opts.signal) await new Promise<void>((ok) => setImmediate(ok));
  };

  let step = run.startStep;
  let diverged: DivergenceError | null = null;
  let interrupted = false;
  try {
    step = await runTraining({ variant, data: run.data, config, startStep: run.startStep, callbacks: { onIteration }, maxIterations: opts.maxIterations });
  } catch (e) {
    if (e instanceof Interrupted) {
      interrupted = true;
      step = e.step;
    } else if (e instanceof DivergenceError) {
      diverged = e;
      step = e.step;
    } else {
      cleanRunFolder(dir);
      throw e;
    }
  } finally {
    progress.done();
  }
  // Measured before the evaluation, which loads (and keeps) the feature classifier.
  const leaked = baselineTensors === null ? 0 : tf.memory().numTensors - baselineTensors;
  const notes: string[] = [];
  if (diverged) {
    notes.push(`${diverged.message}. Training stopped; the last good checkpoint is ${lastCheckpoint === null ? 'none' : checkpointName(lastCheckpoint)}. Lower the learning rates or try --loss wgan-gp.`);
  } else if (interrupted) {
    notes.push(`Interrupted at step ${step} of ${config.steps}; checkpointed. Continue with gankit train --resume ${dir}.`);
  } else if (step >= config.steps && !opts.skipEvaluation) {
    const evaluation = await evaluateVariant(variant, run.data, { seed: config.seed });
    writeFileAtomic(reportPaths(dir).eval, JSON.stringify({ step, ...evaluation }, null, 2) + '\n');
  }
  if (leaked > 0) notes.push(`tensor count grew by ${leaked} during training (a leak; please report it)`);
  writeRunReport(run, notes);
  return { step, diverged, lastCheckpoint, interrupted };
}
