// Softmax and LogSoftmax (run by runtime/tfjs/ops/softmax.ts): from opset 13
// they work along one axis (default -1) instead of flattening from axis 1.
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";

const coerced = { attributes: { axis: { type: "int", default: 1 } } } as const;
const alongAxis = { attributes: { axis: { type: "int", default: -1 } } } as const;

export const Softmax = defineOp("Softmax", { 1: coerced, 13: alongAxis });
export const LogSoftmax = defineOp("LogSoftmax", { 1: coerced, 13: alongAxis });
export const Hardmax = defineOp("Hardmax", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });

export const softmaxOps = versionsOf(Softmax, LogSoftmax, Hardmax);
