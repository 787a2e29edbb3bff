// Softsign (run by runtime/tfjs/ops/softsign.ts).
import { defineOp, versionsOf } from "./define.js";

export const Softsign = defineOp("Softsign", { 1: {} });

export const softsignOps = versionsOf(Softsign);
