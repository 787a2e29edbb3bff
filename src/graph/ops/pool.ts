// Pooling (run by runtime/tfjs/ops/pool.ts). The version-1 AveragePool entry
// carries the shape rule, which holds from opset 1.
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";

const poolAttributes = {
  auto_pad: { type: "string", default: "NOTSET" },
  kernel_shape: { type: "ints", required: true },
  pads: { type: "ints" },
  strides: { type: "ints" },
} as const;
const storageOrder = { storage_order: { type: "int", default: 0 } } as const;
const ceilMode = { ceil_mode: { type: "int", default: 0 } } as const;
const avgAttributes = { ...poolAttributes, count_include_pad: { type: "int", default: 0 } } as const;

export const MaxPool = defineOp("MaxPool", {
  1: { attributes: poolAttributes },
  8: { attributes: { ...poolAttributes, ...storageOrder } },
  10: { attributes: { ...poolAttributes, ...storageOrder, ...ceilMode, dilations: { type: "ints" } } },
});
export const AveragePool = defineOp("AveragePool", {
  1: {},
  7: { attributes: avgAttributes },
  10: { attributes: { ...avgAttributes, ...ceilMode } },
  19: { attributes: { ...avgAttributes, ...ceilMode, dilations: { type: "ints" } } },
});
export const GlobalAveragePool = defineOp("GlobalAveragePool", { 1: {} });
export const GlobalMaxPool = defineOp("GlobalMaxPool", { 1: {} });

export const LpPool = defineOp("LpPool", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const GlobalLpPool = defineOp("GlobalLpPool", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });

export const poolOps = versionsOf(MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool, GlobalLpPool);
