// Einsum (run by runtime/tfjs/ops/einsum.ts).
import { defineOp, versionsOf } from "./define.js";

export const Einsum = defineOp("Einsum", { 12: { attributes: { equation: { type: "string", required: true } } } });

export const einsumOps = versionsOf(Einsum);
