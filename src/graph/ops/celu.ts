// Celu (run by runtime/tfjs/ops/celu.ts).
import { defineOp, versionsOf } from "./define.js";

export const Celu = defineOp("Celu", { 1: {}, 12: { attributes: { alpha: { type: "float", default: 1.0 } } } });

export const celuOps = versionsOf(Celu);
