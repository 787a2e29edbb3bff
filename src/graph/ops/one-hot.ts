// OneHot and EyeLike (run by runtime/tfjs/ops/one-hot.ts).
import { defineOp, versionsOf } from "./define.js";

export const OneHot = defineOp("OneHot", { 9: { attributes: { axis: { type: "int", default: -1 } } } });
export const EyeLike = defineOp("EyeLike", { 1: {}, 9: { attributes: { dtype: { type: "int" }, k: { type: "int", default: 0 } } } });

export const oneHotOps = versionsOf(OneHot, EyeLike);
