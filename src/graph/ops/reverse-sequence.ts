// ReverseSequence (run by runtime/tfjs/ops/reverse-sequence.ts).
import { defineOp, versionsOf } from "./define.js";

export const ReverseSequence = defineOp("ReverseSequence", {
  1: {},
  10: { attributes: { batch_axis: { type: "int", default: 1 }, time_axis: { type: "int", default: 0 } } },
});

export const reverseSequenceOps = versionsOf(ReverseSequence);
