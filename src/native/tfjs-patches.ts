import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { patchBatchNormalizationLayer } from './batchnorm-train.js';
import { patchDenseLayer } from './dense-train.js';
import { deferCustomGradients, type DeferringBackend } from './deferred.js';

/**
 * Every place the native backend reaches into TF.js internals, behind one guard: the
 * layers' `call` (Dense, BatchNormalization), the engine's `customGrad`, and (through
 * useFusedOptimizers) Adam's and RMSProp's private slots. They were written against these
 * versions; against any other, TF.js's own paths run (slower, never different maths).
 */
export const PATCHED_TFJS = { core: '4.22.0', layers: '4.22.0' } as const;

export interface TfjsVersions {
  core: string;
  layers: string;
}

export function runningTfjs(): TfjsVersions {
  return { core: tf.version_core, layers: tfl.version_layers };
}

/** null when the patches fit the running TF.js, else the one-line notice that says why they are off. */
export function patchMismatch(running: TfjsVersions = runningTfjs()): string | null {
  if (running.core === PATCHED_TFJS.core && running.layers === PATCHED_TFJS.layers) return null;
  return `native backend: TF.js ${running.core} (layers ${running.layers}) is not the ${PATCHED_TFJS.core} its fused layers, deferred gradients and in-place optimizers were written for; they are off (TF.js's own code runs instead)`;
}

let state: { applied: boolean; notice: string | null } | null = null;

/** Applies the patches once, if the running TF.js is the one they were written for. */
export function applyTfjsPatches(backendName: string, deferring: () => DeferringBackend | null, running: TfjsVersions = runningTfjs()): { applied: boolean; notice: string | null } {
  if (state) return state;
  const notice = patchMismatch(running);
  if (notice === null) {
    patchBatchNormalizationLayer(backendName);
    patchDenseLayer(backendName);
    deferCustomGradients(deferring);
  }
  state = { applied: notice === null, notice };
  return state;
}

/** Whether the patches run in this process (false before the native backend registers). */
export function tfjsPatchesApplied(): boolean {
  return state?.applied ?? false;
}

export function tfjsPatchNotice(): string | null {
  return state?.notice ?? null;
}
