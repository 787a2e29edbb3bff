// Normalizations (run by runtime/tfjs/ops/normalization.ts). The version-1
// entries carry the shape rules, which hold from opset 1.
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";

const bnAttributes = { epsilon: { type: "float", default: 1e-5 }, momentum: { type: "float", default: 0.9 } } as const;

export const BatchNormalization = defineOp("BatchNormalization", {
  1: {},
  7: { attributes: { ...bnAttributes, spatial: { type: "int", default: 1 } } },
  9: { attributes: bnAttributes },
  14: { attributes: { ...bnAttributes, training_mode: { type: "int", default: 0 } } },
});
export const InstanceNormalization = defineOp("InstanceNormalization", { 1: {}, 6: { attributes: { epsilon: { type: "float", default: 1e-5 } } } });
export const LayerNormalization = defineOp("LayerNormalization", {
  17: { attributes: { axis: { type: "int", default: -1 }, epsilon: { type: "float", default: 1e-5 }, stash_type: { type: "int", default: 1 } } },
});

export const LRN = defineOp("LRN", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const GroupNormalization = defineOp("GroupNormalization", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const MeanVarianceNormalization = defineOp("MeanVarianceNormalization", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });

export const normalizationOps = versionsOf(BatchNormalization, InstanceNormalization, LayerNormalization, LRN, GroupNormalization, MeanVarianceNormalization);
