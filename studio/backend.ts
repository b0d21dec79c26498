import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerMissingGradients } from '../src/backend/gradients.js';
import { registerComposedConvFilterGradient } from '../src/backend/conv-filter.js';

export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

export interface BrowserBackendChoice {
  name: BrowserBackend;
  /** Asked for with ?backend= rather than picked. */
  requested: boolean;
  /** What was tried before it, and why each was passed over. */
  skipped: string[];
  /** wasm only: the build that runs (SIMD or not) and its thread count. */
  wasm?: { simd: boolean; threads: number; isolated: boolean };
}

/** Why a backend was passed over, told apart from one that could not start at all. */
export interface SkipReason {
  name: BrowserBackend;
  why: string;
  /** It exists here but was passed over on purpose (software WebGL), rather than failing. */
  deliberate: boolean;
}

/** The WebGL renderer string, to tell a GPU from a software rasteriser. */
function webglRenderer(): string | null {
  try {
    const canvas = typeof document !== 'undefined' ? document.createElement('canvas') : new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  } catch {
    return null;
  }
}

/** Marks a probe answer as a deliberate skip rather than a failure. */
const SKIPPED_ON_PURPOSE = 'skipped: ';

/** Parses the `name: why` lines of BrowserBackendChoice.skipped. */
export function skipReasons(choice: BrowserBackendChoice): SkipReason[] {
  return choice.skipped.map((line) => {
    const at = line.indexOf(': ');
    const name = line.slice(0, at) as BrowserBackend;
    const rest = line.slice(at + 2);
    const deliberate = rest.startsWith(SKIPPED_ON_PURPOSE);
    return { name, why: deliberate ? rest.slice(SKIPPED_ON_PURPOSE.length) : rest, deliberate };
  });
}

/**
 * What runs, in one line for the badge: `wasm + SIMD + 2 threads`, then what was passed
 * over: `webgl skipped: software WebGL …` where it exists but is slower, `webgpu
 * unavailable` where it could not start.
 */
export function describeBackend(choice: BrowserBackendChoice): string {
  let what: string = choice.name;
  if (choice.wasm) {
    const w = choice.wasm;
    what += `${w.simd ? ' + SIMD' : ' (no SIMD)'} + ${w.threads} thread${w.threads === 1 ? '' : 's'}`;
    if (w.threads === 1 && !w.isolated) what += ' (page not cross-origin isolated)';
  }
  const passed = skipReasons(choice).map((r) => (r.deliberate ? `${r.name} skipped: ${r.why}` : `${r.name} unavailable`));
  return passed.length ? `${what} · ${passed.join(' · ')}` : what;
}

async function probe(name: BrowserBackend, forced: boolean): Promise<string | null> {
  if (name === 'webgpu' && !('gpu' in navigator)) return 'this browser has no WebGPU';
  if (name === 'webgl') {
    const renderer = webglRenderer();
    if (renderer === null) return 'no WebGL2 context';
    if (!forced && /swiftshader|llvmpipe|software/i.test(renderer)) return `${SKIPPED_ON_PURPOSE}software WebGL (${renderer}) is slower than wasm`;
  }
  try {
    if (!(await tf.setBackend(name))) return 'failed to start';
    await tf.ready();
    // A tiny gradient through the backend: some drivers start but cannot run kernels.
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2])).dataSync());
    if (Math.abs(g[1] - 4) > 1e-3) return `gave wrong results (d/dx x² at 2 = ${g[1]}, not 4)`;
    return null;
  } catch (e) {
    return (e as Error).message.slice(0, 80);
  }
}

/**
 * TF.js's wasm build caps its thread pool at navigator.hardwareConcurrency / 2, taking
 * every logical core for half of a hyper-threaded pair: on a 2-core machine that is one
 * thread, whatever setThreadsCount asks. Training is the page's main work, so ask for
 * every core (up to 4, past which its small kernels stop scaling) and lift the cap by
 * reporting twice the cores to the wasm module, which reads the count once at start-up.
 */
function useEveryCore(requested: number | null): void {
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  const want = requested ?? Math.min(4, cores);
  setThreadsCount(want);
  if (want * 2 > cores) {
    try {
      Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => want * 2 });
    } catch {
      // A browser that will not let the page redefine it keeps TF.js's own count.
    }
  }
}

/**
 * Picks the fastest backend this browser has: webgpu > webgl > wasm > cpu, as gankit does
 * in Node, and registers the gradients TF.js lacks (comparison ops, second-order conv).
 * `request` forces one (from ?backend=); it still falls back if that one cannot start.
 */
export async function initBrowserBackend(request: string | null, opts: { wasmThreads?: boolean } = {}): Promise<BrowserBackendChoice> {
  // The page and its worker both live next to wasm/ (dist/studio/).
  setWasmPaths(new URL('wasm/', globalThis.location.href).href);
  const threads = new URLSearchParams(globalThis.location.search).get('threads');
  if (threads === '0' || opts.wasmThreads === false) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else useEveryCore(threads !== null && /^[1-9]$/.test(threads) ? Number(threads) : null);
  registerMissingGradients();
  const order: BrowserBackend[] = [...BROWSER_BACKENDS];
  const forced = request !== null && (BROWSER_BACKENDS as readonly string[]).includes(request);
  if (forced) order.unshift(request as BrowserBackend);
  const skipped: string[] = [];
  for (const name of [...new Set(order)]) {
    const why = await probe(name, forced && name === request);
    if (why === null) {
      // wasm has no Conv2DBackpropFilter; cpu's is a slow scalar loop: use the composed one.
      if (name === 'wasm' || name === 'cpu') registerComposedConvFilterGradient(name);
      const b = tf.backend() as unknown as { firstUse?: boolean };
      if (b.firstUse === true) b.firstUse = false;
      const choice: BrowserBackendChoice = { name, requested: forced && name === request, skipped };
      if (name === 'wasm') {
        const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
        choice.wasm = { simd, threads: getThreadsCount(), isolated: globalThis.crossOriginIsolated === true };
      }
      return choice;
    }
    skipped.push(`${name}: ${why}`);
  }
  throw new Error(`no TF.js backend could start here (${skipped.join('; ')})`);
}
