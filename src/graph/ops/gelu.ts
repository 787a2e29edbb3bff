// Gelu (run by runtime/tfjs/ops/gelu.ts).
import { defineOp, versionsOf } from "./define.js";

export const Gelu = defineOp("Gelu", { 1: {}, 20: { attributes: { approximate: { type: "string", default: "none" } } } });

export const geluOps = versionsOf(Gelu);
