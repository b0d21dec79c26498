import { mkdirSync, renameSync, writeFileSync, rmSync, existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { FileError, fsReason } from './fs-errors.js';

let counter = 0;

/**
 * mkdir -p, one level at a time from the nearest existing folder, so a path that cannot be
 * made fails at once with its reason. (Node's recursive mkdir spins forever on some
 * paths, e.g. under /proc, where each level reports ENOENT.)
 */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  while (!existsSync(at)) {
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new FileError(`cannot create ${path}: ${at} is a file, not a folder`);
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new FileError(`cannot create folder ${dir}: ${fsReason(e)}; choose a path in a folder you can write`);
    }
  }
}

/** The temp names this module gives: `.<name>.<pid>.<n>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.\d+\.tmp$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files and folders that writes killed midway left in `dir` (a killed
 * checkpoint write leaves megabytes). Only names of this module's pattern whose writing
 * process is gone are removed, so a write under way elsewhere is never touched.
 * `prefix` narrows it to the temps of one file (`.<name>.`). Returns the names removed.
 */
export function removeStaleTemps(dir: string, prefix = '.'): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(prefix) ? TEMP_NAME.exec(name) : null;
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Writes a file atomically: a temp file beside it, then rename, so readers never see half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    // A failed write (disk full, target is a folder) leaves nothing behind.
    rmSync(tmp, { force: true });
    throw new FileError(`cannot write ${path}: ${fsReason(e)}`);
  }
}

/**
 * Fills a directory atomically: `fill` writes into a temp sibling, which is renamed into
 * place only when complete. An existing target is never overwritten.
 */
export function writeDirAtomic(path: string, fill: (tmpDir: string) => void): void {
  if (existsSync(path)) throw new Error(`refusing to overwrite ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  makeDirs(tmp);
  try {
    fill(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The async form of writeDirAtomic, for fills that await (model saves). */
export async function writeDirAtomicAsync(path: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  if (existsSync(path)) throw new Error(`refusing to overwrite ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  makeDirs(tmp);
  try {
    await fill(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
