import { existsSync, readdirSync, readFileSync, appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs, removeStaleTemps, writeFileAtomic } from '../io/atomic.js';
import { fsReason } from '../io/fs-errors.js';
import type { RunConfig } from './config.js';

export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  report: 'report.html',
  eval: 'eval.json',
  samples: 'samples',
  checkpoints: 'checkpoints',
} as const;

/** Creates a new run folder. Never reuses one that holds anything: that is what --resume is for. */
export function createRunFolder(dir: string, config: RunConfig): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new RunFolderError(`${dir} is a file, not a folder; choose another --out`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new RunFolderError(`${dir} already exists and is not empty; continue it with \`gankit train --resume ${dir}\` or choose another --out`);
  }
  makeDirs(join(dir, RUN_FILES.samples));
  makeDirs(join(dir, RUN_FILES.checkpoints));
  writeFileAtomic(join(dir, RUN_FILES.config), JSON.stringify(config, null, 2) + '\n');
}

/** Reads a run folder's resolved config. */
export function readRunConfig(dir: string): RunConfig {
  const path = join(dir, RUN_FILES.config);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new RunFolderError(`${dir} is a file, not a run folder; give the folder that \`gankit train --out\` made`);
  if (!existsSync(path)) throw new RunFolderError(`${dir} is not a gankit run folder (no config.json); give the folder that \`gankit train --out\` made`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunFolderError(`cannot read ${path}: ${fsReason(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new RunFolderError(`${path} is corrupt JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RunFolderError(`${path} is not a run config (a JSON object); the run folder is damaged`);
  return parsed as RunConfig;
}

/**
 * Removes what killed writes left in a run folder: temp files and checkpoint folders whose
 * writing process is gone. Returns how many entries went.
 */
export function cleanRunFolder(dir: string): number {
  return [dir, join(dir, RUN_FILES.samples), join(dir, RUN_FILES.checkpoints)].reduce((n, d) => n + removeStaleTemps(d).length, 0);
}

/** Appends one JSON object per line; a line is written whole or not at all. */
export function appendMetrics(dir: string, row: Record<string, number | string>): void {
  appendFileSync(join(dir, RUN_FILES.metrics), JSON.stringify(row) + '\n');
}

export function readMetrics(dir: string): Record<string, number>[] {
  const path = join(dir, RUN_FILES.metrics);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, number>];
      } catch {
        return []; // a torn last line from a killed run
      }
    });
}

/** Drops metric rows past a step (a resumed run re-logs the steps after its checkpoint). */
export function truncateMetrics(dir: string, afterStep: number): void {
  const rows = readMetrics(dir).filter((r) => r.step <= afterStep);
  writeFileAtomic(join(dir, RUN_FILES.metrics), rows.map((r) => JSON.stringify(r) + '\n').join(''));
}

export function sampleImages(dir: string): { step: number; file: string }[] {
  const sdir = join(dir, RUN_FILES.samples);
  if (!existsSync(sdir)) return [];
  return readdirSync(sdir)
    .map((f) => ({ m: /^step-(\d+)\.png$/.exec(f), f }))
    .filter((x): x is { m: RegExpExecArray; f: string } => x.m !== null)
    .map((x) => ({ step: Number(x.m[1]), file: join(sdir, x.f) }))
    .sort((a, b) => a.step - b.step);
}
