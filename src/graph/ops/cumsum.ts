// CumSum (run by runtime/tfjs/ops/cumsum.ts).
import { defineOp, versionsOf } from "./define.js";

export const CumSum = defineOp("CumSum", {
  1: {},
  11: { attributes: { exclusive: { type: "int", default: 0 }, reverse: { type: "int", default: 0 } } },
});

export const cumsumOps = versionsOf(CumSum);
