// Pad (run by runtime/tfjs/ops/pad.ts): pads are an attribute until opset 11,
// inputs after.
import { defineOp, versionsOf } from "./define.js";

export const Pad = defineOp("Pad", {
  1: {},
  2: { attributes: { pads: { type: "ints", required: true }, mode: { type: "string", default: "constant" }, value: { type: "float", default: 0 } } },
  11: { attributes: { mode: { type: "string", default: "constant" } } },
});

export const padOps = versionsOf(Pad);
