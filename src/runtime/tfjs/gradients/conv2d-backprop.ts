// tfjs's Conv2DBackpropInput and Conv2DBackpropFilter on the wasm backend,
// on our im2col kernels (kernels/conv2d.ts): tfjs's gradient of its own conv
// (grouped convs train through it) and its conv2dTranspose (ConvTranspose
// runs the input gradient forward) call these. wasm ships a scalar
// Conv2DBackpropInput (72% of a LeNet-5 step, measured) and no
// Conv2DBackpropFilter. NHWC only, dilation 1, as tfjs's wasm Conv2D.
import { tf } from "../tf.js";
import { conv2dBackpropFilter, conv2dBackpropInput } from "../kernels/conv2d.js";

interface BackpropAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Strides and [top, bottom, left, right] pads of a tfjs conv. */
function geometry(xShape: readonly number[], filterShape: readonly number[], a: BackpropAttrs) {
  if (a.dataFormat === "NCHW") throw new Error("wasm conv gradients take NHWC only (as wasm's Conv2D)");
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  return { strides: [info.strideHeight, info.strideWidth] as [number, number], pads: [top, bottom, left, right] as [number, number, number, number] };
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: (({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as BackpropAttrs & { inputShape: [number, number, number, number] };
    return conv2dBackpropInput(dy, filter, a.inputShape, geometry(a.inputShape, filter.shape, a));
  }) as unknown as tf.KernelFunc,
};

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: (({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as BackpropAttrs & { filterShape: [number, number, number, number] };
    return conv2dBackpropFilter(x, dy, a.filterShape, geometry(x.shape, a.filterShape, a));
  }) as unknown as tf.KernelFunc,
};
