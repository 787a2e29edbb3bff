// The gradient of our fused conv (kernels/conv2d.ts, "CompactorConv2D"):
// y = act(conv(x, w) + b). The activation and bias gradient run first, in one
// pass (dz, db); dx and dw are lazy, so tfjs computes only those that lead to
// a trained variable (not dx of a first layer, whose input is data: tfjs's
// fused conv gradient computes every input's gradient).
import { tf } from "../tf.js";
import { CONV2D, CONV2D_BACKPROP_FILTER, CONV2D_BACKPROP_INPUT, type Conv2dAttrs } from "../kernels/conv2d.js";
import { biasActivationGrads } from "./bias-activation-grads.js";

export const compactorConv2dGradConfig: tf.GradConfig = {
  kernelName: CONV2D,
  inputsToSave: ["x", "filter"],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as Conv2dAttrs;
    const { dz, db } = biasActivationGrads(dy as tf.Tensor, y, a.activation);
    const common = { strides: a.strides, pads: a.pads, activation: a.activation };
    return {
      x: () => tf.engine().runKernel(CONV2D_BACKPROP_INPUT, { dz, filter }, { ...common, xShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () => tf.engine().runKernel(CONV2D_BACKPROP_FILTER, { x, dz }, { ...common, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      bias: () => db,
    };
  },
};
