/**
 * The `cpu` backend's kernels as the native backend's fallbacks, counted, so tests can
 * assert that a model runs on the native kernels (nativeFallbackCounts) and that nothing
 * reaches a cpu-only kernel unexpectedly (cpuOnlyCounts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

const fallbacks = new Map<string, number>();
const cpuOnly = new Map<string, number>();
const cpuOnlyLargest = new Map<string, number>();

const bump = (m: Map<string, number>, name: string) => m.set(name, (m.get(name) ?? 0) + 1);

/** How often each native kernel handed a case to the cpu kernel since the last reset. */
export function nativeFallbackCounts(reset = false): Record<string, number> {
  const out = Object.fromEntries(fallbacks);
  if (reset) fallbacks.clear();
  return out;
}

/**
 * How often each kernel the addon does not implement (the cpu backend's, registered under
 * the native backend's name) ran since the last reset.
 */
export function cpuOnlyCounts(reset = false): Record<string, number> {
  const out = Object.fromEntries(cpuOnly);
  if (reset) {
    cpuOnly.clear();
    cpuOnlyLargest.clear();
  }
  return out;
}

/** The most elements any one input of each cpu-only kernel had since the last reset. */
export function cpuOnlyLargestInputs(): Record<string, number> {
  return Object.fromEntries(cpuOnlyLargest);
}

/** The `cpu` backend's implementation of a kernel, to fall back on (counted). */
export function cpuKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`gankit native: the cpu backend has no kernel ${name}`);
  const f = k.kernelFunc;
  return (args) => {
    bump(fallbacks, name);
    return f(args);
  };
}

/** A cpu kernel registered as the native backend's own, counted in cpuOnlyCounts. */
export function cpuOnlyKernel(name: string, f: KernelFunc): KernelFunc {
  return (args) => {
    bump(cpuOnly, name);
    let most = cpuOnlyLargest.get(name) ?? 0;
    for (const t of Object.values(args.inputs)) {
      const shape = (t as TensorInfo | undefined)?.shape;
      if (shape) most = Math.max(most, shape.reduce((a, b) => a * b, 1));
    }
    cpuOnlyLargest.set(name, most);
    return f(args);
  };
}
