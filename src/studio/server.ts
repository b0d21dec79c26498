import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { readMetrics, readRunConfig, RUN_FILES } from '../train/run-folder.js';

export class StudioError extends Error {
  override name = 'StudioError';
}

export interface StudioServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** A run folder to serve to the run viewer. */
  runDir?: string;
  /** The built app (dist/studio by default). */
  appDir?: string;
}

export interface StudioServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** What the run viewer receives from /api/run. */
export interface RunSummary {
  name: string;
  config: unknown;
  metrics: Record<string, number>[];
  samples: { step: number; url: string }[];
  checkpoints: { step: number; generator: string | null; discriminator: string | null }[];
  report: string | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.jsonl': 'text/plain; charset=utf-8',
};

/** dist/studio of this package, found by walking up to package.json (works from src/ and dist/src/). */
export function defaultAppDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'studio');
    const up = dirname(dir);
    if (up === dir) throw new StudioError('cannot find the gankit package root (no package.json above the studio server)');
    dir = up;
  }
}

/** Resolves `rel` inside `base`, or null when it would escape it. */
function inside(base: string, rel: string): string | null {
  const full = resolve(base, '.' + sep + rel);
  return full === base || full.startsWith(base + sep) ? full : null;
}

function stepOf(name: string): number | null {
  const m = /^step-(\d+)(\.png)?$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Reads a run folder into what the viewer shows; files are linked under /run/. */
export function summarizeRun(runDir: string): RunSummary {
  const config = readRunConfig(runDir);
  const samplesDir = join(runDir, RUN_FILES.samples);
  const samples = existsSync(samplesDir)
    ? readdirSync(samplesDir)
        .flatMap((f) => {
          const step = stepOf(f);
          return step !== null && f.endsWith('.png') ? [{ step, url: `/run/${RUN_FILES.samples}/${f}` }] : [];
        })
        .sort((a, b) => a.step - b.step)
    : [];
  const ckDir = join(runDir, RUN_FILES.checkpoints);
  const checkpoints = existsSync(ckDir)
    ? readdirSync(ckDir)
        .flatMap((f) => {
          const step = stepOf(f);
          if (step === null || !statSync(join(ckDir, f)).isDirectory()) return [];
          const model = (net: string) =>
            existsSync(join(ckDir, f, net, 'model.json')) ? `/run/${RUN_FILES.checkpoints}/${f}/${net}/model.json` : null;
          return [{ step, generator: model('generator'), discriminator: model('discriminator') }];
        })
        .sort((a, b) => a.step - b.step)
    : [];
  return {
    name: basename(resolve(runDir)),
    config,
    metrics: readMetrics(runDir),
    samples,
    checkpoints,
    report: existsSync(join(runDir, RUN_FILES.report)) ? `/run/${RUN_FILES.report}` : null,
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
    // Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(head ? undefined : body);
}

function sendFile(res: ServerResponse, path: string, head: boolean): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    return;
  }
  send(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', readFileSync(path), head);
}

function handler(appDir: string, runDir: string | null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'text/plain; charset=utf-8', 'the studio server only answers GET\n', head);
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      send(res, 400, 'text/plain; charset=utf-8', 'bad URL\n', head);
      return;
    }
    if (path === '/api/run') {
      if (!runDir) {
        // No run folder given: the page hides its Run tab.
        res.writeHead(204, { 'Cache-Control': 'no-cache' });
        res.end();
        return;
      }
      try {
        send(res, 200, 'application/json; charset=utf-8', JSON.stringify(summarizeRun(runDir)), head);
      } catch (e) {
        send(res, 500, 'application/json; charset=utf-8', JSON.stringify({ error: (e as Error).message }), head);
      }
      return;
    }
    if (path.startsWith('/run/')) {
      const file = runDir ? inside(runDir, path.slice('/run/'.length)) : null;
      if (!file) send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      else sendFile(res, file, head);
      return;
    }
    const file = inside(appDir, path === '/' ? 'index.html' : path.slice(1));
    if (!file || basename(file).startsWith('.')) send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    else sendFile(res, file, head);
  };
}

/**
 * Serves the built studio (and optionally one run folder) on a local port. Rejects with a
 * StudioError naming the fix when the app is not built, the run folder is not one, or the
 * port is taken.
 */
export async function startStudioServer(opts: StudioServerOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const appDir = resolve(opts.appDir ?? defaultAppDir());
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new StudioError(`the studio is not built (no ${join(appDir, 'index.html')}); run \`npm run build:studio\``);
  }
  let runDir: string | null = null;
  if (opts.runDir !== undefined) {
    runDir = resolve(opts.runDir);
    if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new StudioError(`run folder ${opts.runDir} does not exist; give a folder that \`gankit train --out\` made`);
    try {
      readRunConfig(runDir);
    } catch (e) {
      throw new StudioError((e as Error).message);
    }
  }
  const server = createServer(handler(appDir, runDir));
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new StudioError(`port ${opts.port} is in use; pick another with --port`));
      else if (e.code === 'EACCES') fail(new StudioError(`port ${opts.port} needs privileges; pick one above 1023 with --port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') fail(new StudioError(`cannot listen on host ${host}; use --host 127.0.0.1`));
      else fail(e);
    });
    server.listen(opts.port, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
