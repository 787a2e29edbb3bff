// Split and Concat (run by runtime/tfjs/ops/split.ts). Split's sizes are an
// attribute until opset 13, an input after; num_outputs arrives at 18.
import { defineOp, versionsOf } from "./define.js";

const axis = { axis: { type: "int", default: 0 } } as const;

export const Split = defineOp("Split", {
  1: {},
  2: { attributes: { ...axis, split: { type: "ints" } } },
  13: { attributes: axis },
  18: { attributes: { ...axis, num_outputs: { type: "int" } } },
});
export const Concat = defineOp("Concat", { 1: {}, 4: { attributes: { axis: { type: "int", required: true } } } });

export const splitOps = versionsOf(Split, Concat);
