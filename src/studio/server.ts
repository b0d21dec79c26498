import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIP, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { readMetrics, readRunConfig, RUN_FILES } from '../train/run-folder.js';
import { RunSampler, SampleRequestError } from './run-sampler.js';

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
  /** A URL that opens the studio from this machine. */
  url: string;
  /** The address really bound, e.g. 127.0.0.1:8080 or 0.0.0.0:8080. */
  address: string;
  /** True when the server is reachable from beyond this machine (not bound to loopback). */
  exposed: boolean;
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
  /** eval.json (what `gankit train` writes at the end, or `gankit eval`); null when the run has none. */
  evaluation: Record<string, unknown> | { error: string } | null;
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

/** True when `full` is `base` or lies inside it. */
function within(base: string, full: string): boolean {
  return full === base || full.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * The real path of `rel` inside `base` (itself a real path), or null when it would escape
 * it: by `..`, or by a symbolic link anywhere on the way that points outside. Names that
 * begin with a dot (.git, .env, temp files of a run being written) are never served.
 */
export function resolveInside(base: string, rel: string): string | null {
  const parts = rel.split(/[\\/]+/).filter((p) => p.length > 0);
  if (parts.some((p) => p.startsWith('.') || p.includes('\0'))) return null;
  const full = resolve(base, ...parts);
  if (!within(base, full)) return null;
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return null;
  }
  return within(base, real) ? real : null;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** An address as it appears in a URL or a Host header: IPv6 in brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Which Host headers the server answers, so a web page elsewhere cannot reach it through
 * DNS rebinding (a name of the attacker's that resolves to 127.0.0.1). Bound to loopback:
 * the loopback names only. Bound to one address: that address and this machine's name.
 * Bound to every interface: IP literals, which no rebinding can forge, and this machine's name.
 */
export function hostChecker(boundHost: string): (header: string | undefined) => boolean {
  const names = new Set<string>();
  const wildcard = isWildcard(boundHost);
  if (isLoopback(boundHost)) for (const n of LOOPBACK_NAMES) names.add(n);
  else {
    names.add(hostname().toLowerCase());
    if (!wildcard) names.add(urlHost(boundHost).toLowerCase());
  }
  names.add(urlHost(boundHost).toLowerCase());
  return (header) => {
    if (!header) return false;
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(header.trim().toLowerCase());
    if (!m) return false;
    const name = m[1];
    if (names.has(name)) return true;
    return wildcard && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  };
}

/** eval.json as an object; a file being rewritten or broken is said, not thrown. */
function readEvaluation(runDir: string): RunSummary['evaluation'] {
  const path = join(runDir, RUN_FILES.eval);
  if (!existsSync(path)) return null;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: `${RUN_FILES.eval} does not hold an object` };
    return value as Record<string, unknown>;
  } catch {
    return { error: `${RUN_FILES.eval} is not valid JSON` };
  }
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
    evaluation: readEvaluation(runDir),
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

function sendFile(res: ServerResponse, path: string | null, head: boolean): void {
  if (path === null || !statSync(path).isFile()) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    return;
  }
  send(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', readFileSync(path), head);
}

/** Answers a sampler call as JSON: its result, or its error with the error's status. */
function sendJob(res: ServerResponse, job: () => Promise<unknown>, head: boolean): void {
  job().then(
    (value) => send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value), head),
    (e: Error) => send(res, e instanceof SampleRequestError ? e.status : 500, 'application/json; charset=utf-8', JSON.stringify({ error: e.message }), head),
  );
}

function handler(appDir: string, runDir: string | null, sampler: RunSampler | null, hostAllowed: (h: string | undefined) => boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (!hostAllowed(req.headers.host)) {
      send(res, 403, 'text/plain; charset=utf-8', 'this studio server does not answer for that Host name\n', head);
      return;
    }
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'text/plain; charset=utf-8', 'the studio server only answers GET\n', head);
      return;
    }
    let path: string;
    let query: URLSearchParams;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = decodeURIComponent(url.pathname);
      query = url.searchParams;
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
    // The run's generator, sampled here: what a tag run needs (its data's tag sets).
    if (path === '/api/condition' || path === '/api/sample') {
      if (!sampler) {
        send(res, 404, 'application/json; charset=utf-8', JSON.stringify({ error: 'this studio serves no run folder (start it with --run DIR)' }), head);
        return;
      }
      sendJob(res, () => (path === '/api/condition' ? sampler.condition() : sampler.sample(query)), head);
      return;
    }
    if (path.startsWith('/run/')) {
      sendFile(res, runDir ? resolveInside(runDir, path.slice('/run/'.length)) : null, head);
      return;
    }
    sendFile(res, resolveInside(appDir, path === '/' ? 'index.html' : path.slice(1)), head);
  };
}

/**
 * Serves the built studio (and optionally one run folder) on a local port. Rejects with a
 * StudioError naming the fix when the app is not built, the run folder is not one, or the
 * port is taken.
 */
export async function startStudioServer(opts: StudioServerOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const appPath = resolve(opts.appDir ?? defaultAppDir());
  if (!existsSync(join(appPath, 'index.html'))) {
    throw new StudioError(`the studio is not built (no ${join(appPath, 'index.html')}); run \`npm run build:studio\``);
  }
  // Served paths are compared with real paths: the roots must be real paths too.
  const appDir = realpathSync(appPath);
  let runDir: string | null = null;
  if (opts.runDir !== undefined) {
    const given = resolve(opts.runDir);
    if (!existsSync(given) || !statSync(given).isDirectory()) throw new StudioError(`run folder ${opts.runDir} does not exist; give a folder that \`gankit train --out\` made`);
    runDir = realpathSync(given);
    try {
      readRunConfig(runDir);
    } catch (e) {
      throw new StudioError((e as Error).message);
    }
  }
  const sampler = runDir ? new RunSampler(runDir) : null;
  const server = createServer(handler(appDir, runDir, sampler, hostChecker(host)));
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new StudioError(`port ${opts.port} is in use; pick another with --port`));
      else if (e.code === 'EACCES') fail(new StudioError(`port ${opts.port} needs privileges; pick one above 1023 with --port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') fail(new StudioError(`cannot listen on host ${host}; use --host 127.0.0.1`));
      else fail(e);
    });
    server.listen(opts.port, host, () => ok());
  });
  const bound = server.address() as AddressInfo;
  const port = bound.port;
  const wildcard = isWildcard(host);
  return {
    // From this machine a wildcard bind is reached through loopback.
    url: `http://${wildcard ? '127.0.0.1' : urlHost(host)}:${port}/`,
    address: `${urlHost(bound.address)}:${port}`,
    exposed: !isLoopback(host),
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          sampler?.close();
          ok();
        });
      }),
  };
}
