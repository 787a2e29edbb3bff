// Pointwise activations (run by runtime/tfjs/ops/activation.ts). The version-1
// entries carry the shape rules, which hold from opset 1; the runtime
// implements the versions after them.
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";

export const Relu = defineOp("Relu", { 1: {}, 6: {} });
export const LeakyRelu = defineOp("LeakyRelu", { 1: {}, 6: { attributes: { alpha: { type: "float", default: 0.01 } } } });
export const PRelu = defineOp("PRelu", { 1: {}, 7: {} });
export const Clip = defineOp("Clip", {
  1: {},
  // Bounds are attributes before opset 11, optional inputs after.
  6: { attributes: { min: { type: "float" }, max: { type: "float" } } },
  11: {},
});
export const Sigmoid = defineOp("Sigmoid", { 1: {}, 6: {} });
export const HardSigmoid = defineOp("HardSigmoid", {
  1: {},
  6: { attributes: { alpha: { type: "float", default: 0.2 }, beta: { type: "float", default: 0.5 } } },
});
export const HardSwish = defineOp("HardSwish", { 1: {}, 14: {} });
export const Tanh = defineOp("Tanh", { 1: {}, 6: {} });
export const Softplus = defineOp("Softplus", { 1: {} });
export const Elu = defineOp("Elu", { 1: {}, 6: { attributes: { alpha: { type: "float", default: 1.0 } } } });
export const Selu = defineOp("Selu", {
  1: {},
  6: {
    attributes: {
      alpha: { type: "float", default: 1.67326319217681884765625 },
      gamma: { type: "float", default: 1.05070102214813232421875 },
    },
  },
});

export const Mish = defineOp("Mish", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const ThresholdedRelu = defineOp("ThresholdedRelu", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Shrink = defineOp("Shrink", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });

export const activationOps = versionsOf(Relu, LeakyRelu, PRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Softplus, Elu, Selu, Mish, ThresholdedRelu, Shrink);
