// Transpose (run by runtime/tfjs/ops/transpose.ts).
import { defineOp, versionsOf } from "./define.js";

export const Transpose = defineOp("Transpose", { 1: { attributes: { perm: { type: "ints" } } } });

export const transposeOps = versionsOf(Transpose);
