// Elementwise arithmetic and math functions (run by
// runtime/tfjs/ops/elementwise.ts). The version-1 entries carry the shape
// rules, which hold from opset 1; the runtime implements the later versions.
import { NOT_ON_TFJS_YET, defineOp, versionsOf } from "./define.js";

export const Add = defineOp("Add", { 1: {}, 7: {} });
export const Sub = defineOp("Sub", { 1: {}, 7: {} });
export const Mul = defineOp("Mul", { 1: {}, 7: {} });
export const Div = defineOp("Div", { 1: {}, 7: {} });
export const Pow = defineOp("Pow", { 1: {}, 7: {} });

export const Sqrt = defineOp("Sqrt", { 1: {}, 6: {} });
export const Exp = defineOp("Exp", { 1: {}, 6: {} });
export const Log = defineOp("Log", { 1: {}, 6: {} });
export const Neg = defineOp("Neg", { 1: {}, 6: {} });
export const Abs = defineOp("Abs", { 1: {}, 6: {} });
export const Reciprocal = defineOp("Reciprocal", { 1: {}, 6: {} });
export const Floor = defineOp("Floor", { 1: {}, 6: {} });
export const Ceil = defineOp("Ceil", { 1: {}, 6: {} });
export const Sin = defineOp("Sin", { 1: {}, 7: {} });
export const Cos = defineOp("Cos", { 1: {}, 7: {} });
export const Erf = defineOp("Erf", { 1: {}, 9: {} });

export const Sum = defineOp("Sum", { 1: {}, 8: {} });
export const Max = defineOp("Max", { 1: {}, 8: {} });
export const Min = defineOp("Min", { 1: {}, 8: {} });
export const Mean = defineOp("Mean", { 1: {}, 8: {} });

export const Tan = defineOp("Tan", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Sinh = defineOp("Sinh", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Cosh = defineOp("Cosh", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Asin = defineOp("Asin", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Acos = defineOp("Acos", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Atan = defineOp("Atan", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Asinh = defineOp("Asinh", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Acosh = defineOp("Acosh", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const Atanh = defineOp("Atanh", { 1: {} }, { shapeOnly: NOT_ON_TFJS_YET });
export const BitShift = defineOp("BitShift", { 1: {} }, { shapeOnly: "integer bit shifts: tfjs has no kernel for them; onnxruntime runs it" });

export const elementwiseOps = versionsOf(
  Add, Sub, Mul, Div, Pow, Sqrt, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil, Sin, Cos, Erf, Sum, Max, Min, Mean,
  Tan, Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh, Atanh, BitShift,
);
