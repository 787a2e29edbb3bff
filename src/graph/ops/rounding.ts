// Sign and Round (run by runtime/tfjs/ops/rounding.ts).
import { defineOp, versionsOf } from "./define.js";

export const Sign = defineOp("Sign", { 1: {}, 9: {} });
export const Round = defineOp("Round", { 1: {}, 11: {} });

export const roundingOps = versionsOf(Sign, Round);
