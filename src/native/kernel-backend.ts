import type { BackendValues, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * What a native kernel needs of the backend it runs on: its data, its buffer pool and its
 * zero tracking. NativeBackend has all of it; modules that the browser bundle also imports
 * (the attention and softmax kernels, through src/nn) type against this, so checking the
 * studio does not pull in the Node side of backend.ts.
 */
export interface KernelBackend {
  readonly data: { get(id: DataId): { values?: BackendValues } };
  readonly pool: { alloc(n: number, zero?: boolean): Float32Array };
  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo;
  isZero(t: TensorInfo | undefined | null): boolean;
  zeroOutput(shape: number[]): TensorInfo;
}
