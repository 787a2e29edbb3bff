// Comparisons, boolean logic and Where (run by runtime/tfjs/ops/logic.ts).
import { defineOp, versionsOf } from "./define.js";

export const Equal = defineOp("Equal", { 1: {} });
export const Less = defineOp("Less", { 1: {} });
export const Greater = defineOp("Greater", { 1: {} });
export const LessOrEqual = defineOp("LessOrEqual", { 1: {}, 12: {} });
export const GreaterOrEqual = defineOp("GreaterOrEqual", { 1: {}, 12: {} });
export const And = defineOp("And", { 1: {} });
export const Or = defineOp("Or", { 1: {} });
export const Xor = defineOp("Xor", { 1: {} });
export const Not = defineOp("Not", { 1: {} });
export const Where = defineOp("Where", { 9: {} });

export const logicOps = versionsOf(Equal, Less, Greater, LessOrEqual, GreaterOrEqual, And, Or, Xor, Not, Where);
