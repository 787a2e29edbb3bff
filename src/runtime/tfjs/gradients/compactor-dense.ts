// The gradient of our fused dense layer (kernels/matmul.ts, "CompactorDense"):
// y = act(x·w + b). dz and db in one pass (bias-activation-grads.ts), then
// dx = dz·wᵀ and dw = xᵀ·dz on our matrix kernel, each operand read
// transposed in place; both lazy, so a first layer's dx (its input is data)
// is never computed.
import type { tf } from "../tf.js";
import type { ConvActivation } from "../kernels/module.js";
import { compactorMatMul, DENSE } from "../kernels/matmul.js";
import { biasActivationGrads } from "./bias-activation-grads.js";

export const compactorDenseGradConfig: tf.GradConfig = {
  kernelName: DENSE,
  inputsToSave: ["x", "w"],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const { dz, db } = biasActivationGrads(dy as tf.Tensor, y, (attrs as unknown as { activation: ConvActivation }).activation);
    return {
      x: () => compactorMatMul(dz, w, false, true),
      w: () => compactorMatMul(x, dz, true, false),
      bias: () => db,
    };
  },
};
