// DepthwiseConv2dNativeBackpropFilter for the wasm backend, which does not ship
// one. The filter gradient of a depthwise conv is, per channel, a correlation
// of the padded input with dy:
//   dW[kh,kw,c,q] = Σ_{n,oh,ow} xpad[n, oh·s+kh·d, ow·s+kw·d, c] · dy[n,oh,ow,c·m+q]
// which is itself a depthwise conv in which the roles swap: with the batch
// folded into channels (x as [1, H, W, n·C], dy as an [oh, ow, n·C, m] filter)
// it runs at stride d and dilation s (the forward's dilation and stride), and
// its [kh, kw] output, summed over n, is the gradient. One fast XNNPACK depthwise
// conv and a few transposes; no per-tap loop in JS.
import { tf } from "../tf.js";
import { callKernel, free, type KernelBackend } from "./kernel-call.js";

const BACKEND = "wasm";

interface Attrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

function depthwiseConv2dBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const kb = backend as KernelBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as Attrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw, , m] = filterShape;
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const { top, bottom, left, right } = info.padInfo;

  const xT = callKernel("Transpose", BACKEND, kb, { x }, { perm: [1, 2, 0, 3] });
  const xFolded = callKernel("Reshape", BACKEND, kb, { x: xT }, { shape: [1, h, w, n * c] });
  const dyT = callKernel("Transpose", BACKEND, kb, { x: dy }, { perm: [1, 2, 0, 3] });
  const dyFilter = callKernel("Reshape", BACKEND, kb, { x: dyT }, { shape: [oh, ow, n * c, m] });
  const grad = callKernel("DepthwiseConv2dNative", BACKEND, kb, { x: xFolded, filter: dyFilter }, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: "NHWC",
  } as unknown as tf.NamedAttrMap);
  free(kb, xT, xFolded, dyT, dyFilter);

  // Rows the forward conv never reached (when the padded input is longer than
  // the strided output covers) make the result larger than the filter: cut them off.
  let exact = grad;
  if (grad.shape[1] !== fh || grad.shape[2] !== fw) {
    exact = callKernel("Slice", BACKEND, kb, { x: grad }, { begin: [0, 0, 0, 0], size: [1, fh, fw, n * c * m] });
    free(kb, grad);
  }
  const byImage = callKernel("Reshape", BACKEND, kb, { x: exact }, { shape: [fh, fw, n, c * m] });
  const summed = n === 1 ? byImage : callKernel("Sum", BACKEND, kb, { x: byImage }, { axis: [2], keepDims: false });
  const out = callKernel("Reshape", BACKEND, kb, { x: summed }, { shape: filterShape });
  free(kb, exact, byImage);
  if (summed !== byImage) free(kb, summed);
  return out;
}

export const depthwiseConv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropFilter",
  backendName: BACKEND,
  kernelFunc: depthwiseConv2dBackpropFilter as tf.KernelFunc,
};
