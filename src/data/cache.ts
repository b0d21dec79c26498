import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

/**
 * Where gankit keeps what it derives from data (decoded image bytes, generated avatars):
 * $GANKIT_CACHE, else $XDG_CACHE_HOME/gankit, else ~/.cache/gankit. Never the user's folder.
 */
export function cacheRoot(): string {
  if (process.env.GANKIT_CACHE) return process.env.GANKIT_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'gankit');
  return join(homedir(), '.cache', 'gankit');
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

/** A cache entry: a JSON header and one byte array beside it. */
export interface CacheEntry<M> {
  meta: M;
  bytes: Uint8Array;
}

function paths(kind: string, key: string): { meta: string; bytes: string } {
  const dir = join(cacheRoot(), kind);
  return { meta: join(dir, `${key}.json`), bytes: join(dir, `${key}.u8`) };
}

export function readCache<M>(kind: string, key: string): CacheEntry<M> | null {
  const p = paths(kind, key);
  if (!existsSync(p.meta) || !existsSync(p.bytes)) return null;
  try {
    const meta = JSON.parse(readFileSync(p.meta, 'utf8')) as M & { byteLength: number };
    const buf = readFileSync(p.bytes);
    if (buf.length !== meta.byteLength) return null;
    return { meta, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.length) };
  } catch {
    // A damaged entry is rebuilt, not trusted.
    return null;
  }
}

/** Writes bytes first, then the header, each atomically: a header exists only beside whole bytes. */
export function writeCache<M>(kind: string, key: string, meta: M, bytes: Uint8Array): void {
  const p = paths(kind, key);
  writeFileAtomic(p.bytes, bytes);
  writeFileAtomic(p.meta, JSON.stringify({ ...meta, byteLength: bytes.length }));
}

export function cachePath(kind: string, key: string): string {
  return paths(kind, key).bytes;
}
