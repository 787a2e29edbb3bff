// Slice (run by runtime/tfjs/ops/slice.ts): starts/ends/axes are attributes
// until opset 10, inputs after.
import { defineOp, versionsOf } from "./define.js";

export const Slice = defineOp("Slice", {
  1: { attributes: { starts: { type: "ints", required: true }, ends: { type: "ints", required: true }, axes: { type: "ints" } } },
  10: {},
});

export const sliceOps = versionsOf(Slice);
