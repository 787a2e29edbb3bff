// Cast and CastLike (run by runtime/tfjs/ops/cast.ts).
import { defineOp, versionsOf } from "./define.js";

export const Cast = defineOp("Cast", {
  1: {},
  6: { attributes: { to: { type: "int", required: true }, saturate: { type: "int", default: 1 } } },
});
export const CastLike = defineOp("CastLike", { 15: { attributes: { saturate: { type: "int", default: 1 } } } });

export const castOps = versionsOf(Cast, CastLike);
