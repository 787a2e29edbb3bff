// TopK, NonZero and Compress (run by runtime/tfjs/ops/select.ts): k is an
// attribute until opset 10, an input after.
import { defineOp, versionsOf } from "./define.js";

export const TopK = defineOp("TopK", {
  1: { attributes: { axis: { type: "int", default: -1 }, k: { type: "int", required: true } } },
  10: { attributes: { axis: { type: "int", default: -1 } } },
  11: { attributes: { axis: { type: "int", default: -1 }, largest: { type: "int", default: 1 }, sorted: { type: "int", default: 1 } } },
});
export const NonZero = defineOp("NonZero", { 9: {} });
export const Compress = defineOp("Compress", { 9: { attributes: { axis: { type: "int" } } } });

export const selectOps = versionsOf(TopK, NonZero, Compress);
