import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerMissingGradients } from './gradients.js';
import { registerComposedConvFilterGradient } from './conv-filter.js';
import { useFusedOptimizers } from '../core/optimizers.js';

export const NODE_BACKENDS = ['tensorflow', 'native', 'wasm', 'cpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];
export type BackendRequest = NodeBackendName | 'auto';

export interface BackendChoice {
  name: NodeBackendName;
  /** Why this one: what was tried and what was missing. */
  reason: string;
  notes: string[];
}

export class BackendError extends Error {
  override name = 'BackendError';
}

/** What the native addon module exposes (src/native/index.ts). */
interface NativeModule {
  registerNativeBackend(): boolean;
  nativeAdam(lr: number, beta1: number, beta2: number, epsilon?: number): tf.Optimizer;
  nativeRmsprop(lr: number, decay: number, momentum: number, epsilon?: number): tf.Optimizer;
  nativeInfo(): { built: boolean; isa: string | null; threads: number; winograd: boolean; reason?: string };
  setNativeThreads(n: number): void;
  tfjsPatchesApplied(): boolean;
  tfjsPatchNotice(): string | null;
}

/**
 * The native Adam and RMSProp reach into TF.js optimizers' private slots, so they run only
 * where the native backend's TF.js patches apply (src/native/tfjs-patches.ts).
 */
function useNativeOptimizers(native: NativeModule, notes: string[]): void {
  if (native.tfjsPatchesApplied()) {
    useFusedOptimizers({ adam: native.nativeAdam, rmsprop: native.nativeRmsprop });
    return;
  }
  useFusedOptimizers(null);
  const notice = native.tfjsPatchNotice();
  if (notice && !notes.includes(notice)) notes.push(notice);
}

let nativeModule: NativeModule | null | undefined;

/** Loads src/native lazily; null when it is absent or its addon did not build. */
export async function loadNativeModule(): Promise<NativeModule | null> {
  if (nativeModule !== undefined) return nativeModule;
  try {
    const spec = '../native/index.js';
    nativeModule = (await import(spec)) as NativeModule;
  } catch {
    nativeModule = null;
  }
  return nativeModule;
}

async function tryTensorflow(): Promise<boolean> {
  if (tf.findBackend('tensorflow')) return true;
  try {
    const spec = '@tensorflow/tfjs-node';
    await import(spec);
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}

let wasmReady: boolean | undefined;
async function tryWasm(): Promise<boolean> {
  if (wasmReady !== undefined) return wasmReady;
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    wasmReady = tf.findBackend('wasm') !== null || tf.engine().registryFactory['wasm'] !== undefined;
  } catch {
    wasmReady = false;
  }
  return wasmReady;
}

async function activate(name: NodeBackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    // The cpu backend (and backends built on it) print a banner suggesting tfjs-node on
    // first use; gankit already chose the best backend and says so itself.
    const b = tf.backend() as unknown as { firstUse?: boolean };
    if (b.firstUse === true) b.firstUse = false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks and activates the TF.js backend. `auto` takes the fastest that can train:
 * tensorflow (only when the user has installed @tensorflow/tfjs-node), then gankit's
 * native addon, then wasm, then cpu. A forced backend that cannot start is an error.
 */
export async function initBackend(request: BackendRequest = 'auto', opts: { threads?: number } = {}): Promise<BackendChoice> {
  registerMissingGradients();
  registerComposedConvFilterGradient('cpu');
  const notes: string[] = [];
  const native = await loadNativeModule();
  if (native && opts.threads) native.setNativeThreads(opts.threads);

  const available: Record<NodeBackendName, () => Promise<boolean>> = {
    tensorflow: tryTensorflow,
    native: async () => {
      if (!native) return false;
      const ok = native.registerNativeBackend();
      if (!ok) notes.push(`native backend not built: ${native.nativeInfo().reason ?? 'unknown reason'} (falling back)`);
      return ok;
    },
    wasm: async () => {
      const ok = await tryWasm();
      if (ok) registerComposedConvFilterGradient('wasm');
      return ok;
    },
    cpu: async () => true,
  };

  if (request !== 'auto') {
    if (!(NODE_BACKENDS as readonly string[]).includes(request)) {
      throw new BackendError(`unknown backend '${request}'; choose one of: auto, ${NODE_BACKENDS.join(', ')}`);
    }
    useFusedOptimizers(null);
    if (!(await available[request]()) || !(await activate(request))) {
      const hint = request === 'tensorflow' ? ' (install @tensorflow/tfjs-node yourself to use it)' : request === 'native' ? ' (the addon did not build; run `npm rebuild gankit` or see `gankit info`)' : '';
      throw new BackendError(`backend '${request}' is not available here${hint}; use --backend auto`);
    }
    if (request === 'native' && native) useNativeOptimizers(native, notes);
    return { name: request, reason: 'requested with --backend', notes };
  }
  useFusedOptimizers(null);
  const tried: string[] = [];
  for (const name of NODE_BACKENDS) {
    if ((await available[name]()) && (await activate(name))) {
      if (name === 'native' && native) useNativeOptimizers(native, notes);
      return { name, reason: tried.length ? `fastest available (${tried.join(', ')} unavailable)` : 'fastest available', notes };
    }
    tried.push(name);
  }
  throw new BackendError('no TF.js backend could start (even cpu failed): reinstall with `npm ci`');
}

/** The backend in use, its thread count and what native build is present, for `gankit info`. */
export async function backendInfo(): Promise<Record<string, string>> {
  const native = await loadNativeModule();
  const ni = native?.nativeInfo();
  return {
    backend: tf.getBackend() ?? 'none',
    native: ni ? (ni.built ? `built (${ni.isa}, ${ni.threads} threads, Winograd convolutions ${ni.winograd ? 'on' : 'off (GANKIT_WINOGRAD=0)'})` : `not built: ${ni.reason ?? 'unknown'}`) : 'not present in this build',
  };
}

export { registerMissingGradients } from './gradients.js';
export { registerComposedConvFilterGradient } from './conv-filter.js';
