import { mkdirSync, renameSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

let counter = 0;

/** Writes a file atomically: a temp file beside it, then rename, so readers never see half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Fills a directory atomically: `fill` writes into a temp sibling, which is renamed into
 * place only when complete. An existing target is never overwritten.
 */
export function writeDirAtomic(path: string, fill: (tmpDir: string) => void): void {
  if (existsSync(path)) throw new Error(`refusing to overwrite ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  mkdirSync(tmp, { recursive: true });
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
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
