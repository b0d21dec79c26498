import * as tf from '@tensorflow/tfjs-core';

type TensorInfo = tf.TensorInfo;
type KernelBackend = tf.KernelBackend;

/**
 * Conv2DBackpropFilter composed as one forward convolution.
 *
 * dW[a,b,c,o] = Σ_{n,i,j} x[n, a + i·s_h − pad_t, b + j·s_w − pad_l, c] · dy[n,i,j,o]
 *
 * which is a convolution of x viewed as [c, H, W, n] (channels as batch, batch as
 * channels) with dy viewed as a filter [oh, ow, n, o], dilated by the original stride.
 * TF.js's `cpu` kernel for this op is a scalar six-deep loop (42 s for one DCGAN layer)
 * and `wasm` has none at all; its forward Conv2D is fast on both.
 */
function conv2DBackpropFilterAsConv(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackend;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  if (attrs.dataFormat === 'NCHW') throw new Error('gankit Conv2DBackpropFilter: only NHWC is supported');
  const backendName = tf.getBackend();
  const kernel = (name: string) => {
    const k = tf.getKernel(name, backendName);
    if (!k) throw new Error(`gankit Conv2DBackpropFilter: backend ${backendName} has no ${name} kernel`);
    return k.kernelFunc;
  };
  const run = (name: string, ins: tf.NamedTensorInfoMap, at: object): TensorInfo =>
    kernel(name)({ inputs: ins, backend, attrs: at as tf.NamedAttrMap }) as TensorInfo;

  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [, inH, inW] = x.shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Bottom/right padding chosen so the result is exactly kh×kw; negative means crop.
  const bottom = kh + (oh - 1) * sh - inH - top;
  const right = kw + (ow - 1) * sw - inW - left;

  const temps: TensorInfo[] = [];
  let xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [c, H, W, n]
  temps.push(xT);
  if (bottom < 0 || right < 0) {
    const [c, h, w, n] = xT.shape;
    xT = run('Slice', { x: xT }, { begin: [0, 0, 0, 0], size: [c, h + Math.min(0, bottom), w + Math.min(0, right), n] });
    temps.push(xT);
  }
  const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [oh, ow, n, o]
  temps.push(dyT);
  const conv = run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [sh, sw],
    },
  ); // [c, kh, kw, o]
  temps.push(conv);
  const out = run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
  for (const t of temps) backend.disposeData(t.dataId);
  return out;
}

/** Replaces Conv2DBackpropFilter on `backendName` (cpu or wasm) with the composed form. */
export function registerComposedConvFilterGradient(backendName: 'cpu' | 'wasm'): void {
  const existing = tf.getKernel('Conv2DBackpropFilter', backendName);
  if (existing && (existing.kernelFunc as { gankit?: boolean }).gankit) return;
  if (existing) tf.unregisterKernel('Conv2DBackpropFilter', backendName);
  const kernelFunc = Object.assign(conv2DBackpropFilterAsConv, { gankit: true });
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/** Exposed for tests: the kernel function itself, to compare with the original one. */
export const composedConv2DBackpropFilter = conv2DBackpropFilterAsConv;
