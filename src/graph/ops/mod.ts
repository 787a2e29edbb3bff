// Mod (run by runtime/tfjs/ops/mod.ts).
import { defineOp, versionsOf } from "./define.js";

export const Mod = defineOp("Mod", { 1: {}, 10: { attributes: { fmod: { type: "int", default: 0 } } } });

export const modOps = versionsOf(Mod);
