// Trilu (run by runtime/tfjs/ops/trilu.ts).
import { defineOp, versionsOf } from "./define.js";

export const Trilu = defineOp("Trilu", { 1: {}, 14: { attributes: { upper: { type: "int", default: 1 } } } });

export const triluOps = versionsOf(Trilu);
