import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
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

async function probe(name: BrowserBackend, forced: boolean): Promise<string | null> {
  if (name === 'webgpu' && !('gpu' in navigator)) return 'this browser has no WebGPU';
  if (name === 'webgl') {
    const renderer = webglRenderer();
    if (renderer === null) return 'no WebGL2 context';
    if (!forced && /swiftshader|llvmpipe|software/i.test(renderer)) return `software WebGL (${renderer}) is slower than wasm`;
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
 * Picks the fastest backend this browser has: webgpu > webgl > wasm > cpu, as gankit does
 * in Node, and registers the gradients TF.js lacks (comparison ops, second-order conv).
 * `request` forces one (from ?backend=); it still falls back if that one cannot start.
 */
export async function initBrowserBackend(request: string | null, opts: { wasmThreads?: boolean } = {}): Promise<BrowserBackendChoice> {
  // The page and its worker both live next to wasm/ (dist/studio/).
  setWasmPaths(new URL('wasm/', globalThis.location.href).href);
  const threads = new URLSearchParams(globalThis.location.search).get('threads');
  if (threads === '0' || opts.wasmThreads === false) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
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
      return { name, requested: forced && name === request, skipped };
    }
    skipped.push(`${name}: ${why}`);
  }
  throw new Error(`no TF.js backend could start here (${skipped.join('; ')})`);
}
