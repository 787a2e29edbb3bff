// Conv2DBackpropFilter for the wasm backend, which does not ship one (so no
// Conv2D could train there). The filter gradient is itself a convolution:
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xpad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co]
// which is wasm's (XNNPACK) Conv2D on x laid out as [ci, H, W, n] ("batch" ci,
// "channels" n) with dy as a [oh, ow, n, co] filter, dilated by the forward
// stride. Three transposes and one fast convolution; no im2col in JS.
import { tf } from "../tf.js";
import { callKernel, free, type KernelBackend } from "./kernel-call.js";

const BACKEND = "wasm";

function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const kb = backend as KernelBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: "valid" | "same" | number | number[][];
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
  };
  if (dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only (as wasm's Conv2D)");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4],
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;

  const xT = callKernel("Transpose", BACKEND, kb, { x }, { perm: [3, 1, 2, 0] });
  const dyT = callKernel("Transpose", BACKEND, kb, { x: dy }, { perm: [1, 2, 0, 3] });
  const grad = callKernel("Conv2D", BACKEND, kb, { x: xT, filter: dyT }, {
    strides: [1, 1],
    dilations: [info.strideHeight, info.strideWidth],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: "NHWC",
  } as unknown as tf.NamedAttrMap);
  free(kb, xT, dyT);

  // Rows the forward conv never reached (when (H+pads−fh) is not a multiple of
  // the stride) make the result larger than the filter: cut them off.
  const [fh, fw, ci, co] = filterShape;
  let exact = grad;
  if (grad.shape[1] !== fh || grad.shape[2] !== fw) {
    exact = callKernel("Slice", BACKEND, kb, { x: grad }, { begin: [0, 0, 0, 0], size: [ci, fh, fw, co] });
    free(kb, grad);
  }
  const out = callKernel("Transpose", BACKEND, kb, { x: exact }, { perm: [1, 2, 0, 3] });
  free(kb, exact);
  return out;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: BACKEND,
  kernelFunc: conv2dBackpropFilter as tf.KernelFunc,
};
