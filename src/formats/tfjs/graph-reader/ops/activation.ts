// Elementwise functions of one tensor, and the activations TF's fused ops
// (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul) apply after their
// bias, by the lower-cased names tfjs-converter uses.
import { attrFloat } from "../../tf-attrs.js";
import type { ImportContext, ImportOp } from "./types.js";

const SAME: Readonly<Record<string, string>> = Object.freeze({
  Relu: "Relu", Sigmoid: "Sigmoid", Tanh: "Tanh", Exp: "Exp", Log: "Log", Sqrt: "Sqrt", Abs: "Abs", Neg: "Neg", Erf: "Erf",
  Floor: "Floor", Ceil: "Ceil", Round: "Round", Sign: "Sign", Reciprocal: "Reciprocal", Sin: "Sin", Cos: "Cos", Tan: "Tan",
  Asin: "Asin", Acos: "Acos", Atan: "Atan", Sinh: "Sinh", Cosh: "Cosh", Asinh: "Asinh", Acosh: "Acosh", Atanh: "Atanh",
  Softplus: "Softplus", Elu: "Elu", Selu: "Selu", IsNan: "IsNaN", IsInf: "IsInf", Identity: "Identity", Snapshot: "Identity", StopGradient: "Identity",
});

/** `activation` (a TF op name, any case) applied to x as ONNX nodes. */
export function activate(c: ImportContext, x: string, activation: string, alpha?: string, suffix = "act"): string {
  switch (activation.toLowerCase()) {
    case "relu": return c.onnx("Relu", [x], {}, suffix)[0]!;
    case "relu6": return c.onnx("Clip", [x, c.floatConst([0], `${suffix}_lo`, []), c.floatConst([6], `${suffix}_hi`, [])], {}, suffix)[0]!;
    case "elu": return c.onnx("Elu", [x], {}, suffix)[0]!;
    case "selu": return c.onnx("Selu", [x], {}, suffix)[0]!;
    case "sigmoid": return c.onnx("Sigmoid", [x], {}, suffix)[0]!;
    case "tanh": return c.onnx("Tanh", [x], {}, suffix)[0]!;
    case "leakyrelu": return c.onnx("LeakyRelu", [x], { alpha: attrFloat(c.attrs, "leakyrelu_alpha") ?? attrFloat(c.attrs, "alpha") ?? 0.2 }, suffix)[0]!;
    case "prelu":
      if (!alpha) c.fail("Prelu needs its alpha argument");
      return c.onnx("PRelu", [x, alpha!], {}, suffix)[0]!;
    default:
      return c.fail(`fused activation "${activation}" is not one TF.js runs`);
  }
}

export const ACTIVATION_OPS: readonly ImportOp[] = [
  ...Object.entries(SAME).map(([tfOp, onnxOp]): ImportOp => ({ tfOps: [tfOp], convert: (c) => ({ outputs: c.onnx(onnxOp, [c.input(0)]), ...(onnxOp === "IsNaN" || onnxOp === "IsInf" ? { types: ["bool"] } : {}) }) })),
  { tfOps: ["Relu6"], convert: (c) => ({ outputs: [activate(c, c.input(0), "relu6", undefined, "")] }) },
  { tfOps: ["LeakyRelu"], convert: (c) => ({ outputs: c.onnx("LeakyRelu", [c.input(0)], { alpha: attrFloat(c.attrs, "alpha") ?? 0.2 }) }) },
  { tfOps: ["Prelu"], convert: (c) => ({ outputs: c.onnx("PRelu", [c.input(0), c.input(1)]) }) },
  { tfOps: ["Rsqrt"], convert: (c) => ({ outputs: c.onnx("Reciprocal", [c.onnx("Sqrt", [c.input(0)], {}, "sqrt")[0]!]) }) },
  { tfOps: ["Square"], convert: (c) => ({ outputs: c.onnx("Mul", [c.input(0), c.input(0)]) }) },
  { tfOps: ["Expm1"], convert: (c) => ({ outputs: c.onnx("Sub", [c.onnx("Exp", [c.input(0)], {}, "exp")[0]!, c.floatConst([1], "one", [])]) }) },
  { tfOps: ["Log1p"], convert: (c) => ({ outputs: c.onnx("Log", [c.onnx("Add", [c.input(0), c.floatConst([1], "one", [])], {}, "plus_one")[0]!]) }) },
];
