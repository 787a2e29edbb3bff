// IsNaN and IsInf (run by runtime/tfjs/ops/float-class.ts).
import { defineOp, versionsOf } from "./define.js";

export const IsNaN = defineOp("IsNaN", { 9: {} });
export const IsInf = defineOp("IsInf", {
  10: { attributes: { detect_negative: { type: "int", default: 1 }, detect_positive: { type: "int", default: 1 } } },
});

export const floatClassOps = versionsOf(IsNaN, IsInf);
