/**
 * gankit's `native` TF.js backend for Node: TF.js's own `cpu` backend with the kernels
 * that dominate GAN training (GEMM, convolutions and their gradients, elementwise ops,
 * reductions, batch norm) replaced by a C++ addon (src/native/csrc, built by node-gyp at
 * install into build/Release/gankit_native.node). Every other kernel is the `cpu` one, so
 * every model runs; when the addon is absent, nothing is registered and gankit uses `cpu`.
 */
import { addonPath, loadAddon, loadError } from './load.js';

export type NativeIsa = 'avx512' | 'avx2' | 'generic';

export interface NativeInfo {
  built: boolean;
  isa: NativeIsa | null;
  threads: number;
  /** Whether stride-2 4x4 convolutions take Winograd's algorithm (GANKIT_WINOGRAD=0: no). */
  winograd: boolean;
  addonPath: string | null;
  reason?: string;
}

/** What was built and what runs; never throws. */
export function nativeInfo(): NativeInfo {
  try {
    const a = loadAddon();
    if (a === null) return { built: false, isa: null, threads: 0, winograd: false, addonPath: null, reason: loadError };
    const i = a.info();
    return { built: true, isa: i.isa, threads: i.threads, winograd: i.winograd, addonPath };
  } catch (e) {
    return { built: false, isa: null, threads: 0, winograd: false, addonPath: null, reason: (e as Error).message };
  }
}

/** Sets the addon's thread count (GANKIT_THREADS sets it at load). */
export function setNativeThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`thread count must be a positive integer, got ${n}`);
  loadAddon()?.setThreads(n);
}

/**
 * Turns Winograd's F(4x4, 2x2) for stride-2 4x4 convolutions (DCGAN's) on or off; it is on
 * unless GANKIT_WINOGRAD=0. Off, every convolution takes the direct im2col + GEMM path.
 */
export function setNativeWinograd(on: boolean): void {
  loadAddon()?.setWinograd(on);
}

/** Chooses the instruction set the kernels run with (tests compare them); throws if unsupported. */
export function setNativeIsa(isa: NativeIsa): void {
  const a = loadAddon();
  if (a === null) throw new Error(`native backend unavailable: ${loadError}`);
  if (!a.info().supported.includes(isa)) throw new Error(`this CPU cannot run the ${isa} kernels`);
  a.setIsa(isa);
}

/** The instruction sets this CPU can run, best first. */
export function supportedIsas(): NativeIsa[] {
  return loadAddon()?.info().supported ?? [];
}

export { registerNativeBackend, nativeKernelNames } from './backend.js';
export { nativeFallbackCounts, cpuOnlyCounts, cpuOnlyLargestInputs } from './fallback.js';
export { NativeAdam, NativeRMSProp, nativeAdam, nativeRmsprop } from './optimizers.js';
export { PATCHED_TFJS, patchMismatch, tfjsPatchesApplied, tfjsPatchNotice } from './tfjs-patches.js';
