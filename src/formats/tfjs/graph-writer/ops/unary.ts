// Elementwise functions of one tensor. Most are TF ops of their own; the rest
// (HardSigmoid, HardSwish, Mish, Softsign, Celu, Gelu, PRelu, non-default Elu)
// are written with a few of them, in ONNX's own formulas.
import { attrFloat, attrInt, attrString } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

const same = (opType: string, tfOp: string): ExportOp => ({ opType, since: 1, convert: (c) => [c.b.op(tfOp, [c.input(0)], T(c.type(0)), c.node.name)] });

const SAME_NAME = ["Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Abs", "Neg", "Erf", "Floor", "Ceil", "Round", "Sign", "Reciprocal", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softplus"];

/** f(x) built from TF ops; `c.part` names the intermediate nodes. */
function composite(opType: string, build: (c: ExportContext, x: string, f: (v: number, name: string) => string) => string, since = 1): ExportOp {
  return { opType, since, convert: (c) => [build(c, c.input(0), (v, name) => c.b.float(c.part(name), v))] };
}

const op = (c: ExportContext, tfOp: string, inputs: string[], part: string) => c.b.op(tfOp, inputs, T("float32"), part === "" ? c.node.name : c.part(part));

export const UNARY_OPS: readonly ExportOp[] = [
  ...SAME_NAME.map((name) => same(name, name)),
  same("IsNaN", "IsNan"),
  {
    opType: "IsInf",
    since: 10,
    convert: (c) => {
      const neg = attrInt(c.node, "detect_negative", 1);
      const pos = attrInt(c.node, "detect_positive", 1);
      if (neg && pos) return [c.b.op("IsInf", [c.input(0)], T("float32"), c.node.name)];
      const bound = c.b.float(c.part("inf"), pos ? Infinity : -Infinity);
      return [c.b.op("Equal", [c.input(0), bound], T("float32"), c.node.name)];
    },
  },
  { opType: "LeakyRelu", since: 6, convert: (c) => [c.b.op("LeakyRelu", [c.input(0)], { alpha: TF_ATTR.f(attrFloat(c.node, "alpha", 0.01)), ...T("float32") }, c.node.name)] },
  composite("Elu", (c, x, f) => {
    const alpha = attrFloat(c.node, "alpha", 1);
    if (alpha === 1) return op(c, "Elu", [x], "");
    const negative = op(c, "Mul", [op(c, "Elu", [x], "elu"), f(alpha, "alpha")], "scaled");
    return c.b.op("SelectV2", [op(c, "Greater", [x, f(0, "zero")], "positive"), x, negative], T("float32"), c.node.name);
  }, 6),
  composite("Selu", (c, x, f) => {
    const alpha = attrFloat(c.node, "alpha", 1.67326319217681884765625);
    const gamma = attrFloat(c.node, "gamma", 1.05070102214813232421875);
    if (Math.abs(alpha - 1.6732632423543772) < 1e-6 && Math.abs(gamma - 1.0507009873554805) < 1e-6) return op(c, "Selu", [x], "");
    const negative = op(c, "Mul", [op(c, "Sub", [op(c, "Exp", [x], "exp"), f(1, "one")], "expm1"), f(alpha, "alpha")], "negative");
    const body = c.b.op("SelectV2", [op(c, "Greater", [x, f(0, "zero")], "positive"), x, negative], T("float32"), c.part("body"));
    return op(c, "Mul", [body, f(gamma, "gamma")], "");
  }, 6),
  composite("HardSigmoid", (c, x, f) => {
    const linear = op(c, "AddV2", [op(c, "Mul", [x, f(attrFloat(c.node, "alpha", 0.2), "alpha")], "scaled"), f(attrFloat(c.node, "beta", 0.5), "beta")], "linear");
    return c.b.op("ClipByValue", [linear, f(0, "lo"), f(1, "hi")], T("float32"), c.node.name);
  }, 6),
  composite("HardSwish", (c, x, f) => {
    // x · ReLU6(x + 3) / 6
    const gate = op(c, "Relu6", [op(c, "AddV2", [x, f(3, "three")], "shifted")], "relu6");
    return op(c, "Mul", [x, op(c, "Mul", [gate, f(1 / 6, "sixth")], "gate")], "");
  }, 14),
  composite("Softsign", (c, x, f) => op(c, "RealDiv", [x, op(c, "AddV2", [op(c, "Abs", [x], "abs"), f(1, "one")], "denominator")], "")),
  composite("Mish", (c, x) => op(c, "Mul", [x, op(c, "Tanh", [op(c, "Softplus", [x], "softplus")], "tanh")], ""), 18),
  composite("Celu", (c, x, f) => {
    // max(0, x) + min(0, α(exp(x/α) − 1))
    const alpha = attrFloat(c.node, "alpha", 1);
    const inner = op(c, "Mul", [op(c, "Sub", [op(c, "Exp", [op(c, "RealDiv", [x, f(alpha, "alpha")], "scaled")], "exp"), f(1, "one")], "expm1"), f(alpha, "alpha_out")], "inner");
    return op(c, "AddV2", [op(c, "Relu", [x], "relu"), op(c, "Minimum", [inner, f(0, "zero")], "negative")], "");
  }, 12),
  composite("Gelu", (c, x, f) => {
    if (attrString(c.node, "approximate", "none") !== "none") {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = op(c, "Mul", [op(c, "Mul", [x, x], "square"), x], "cube");
      const inner = op(c, "Mul", [op(c, "AddV2", [x, op(c, "Mul", [cube, f(0.044715, "k")], "cubic")], "sum"), f(Math.sqrt(2 / Math.PI), "root")], "inner");
      return op(c, "Mul", [op(c, "Mul", [x, f(0.5, "half")], "half_x"), op(c, "AddV2", [op(c, "Tanh", [inner], "tanh"), f(1, "one")], "gate")], "");
    }
    const erf = op(c, "Erf", [op(c, "Mul", [x, f(Math.SQRT1_2, "rsqrt2")], "scaled")], "erf");
    return op(c, "Mul", [op(c, "Mul", [x, f(0.5, "half")], "half_x"), op(c, "AddV2", [erf, f(1, "one")], "gate")], "");
  }, 20),
  {
    // max(0, x) + slope·min(0, x): broadcasts the ONNX way for any slope shape.
    opType: "PRelu",
    since: 7,
    convert: (c) => {
      const zero = c.b.float(c.part("zero"), 0);
      const negative = op(c, "Mul", [op(c, "Minimum", [c.input(0), zero], "negative"), c.input(1)], "scaled");
      return [op(c, "AddV2", [op(c, "Relu", [c.input(0)], "positive"), negative], "")];
    },
  },
  {
    opType: "Clip",
    since: 11,
    convert: (c) => {
      const lo = c.has(1) ? c.known(1)?.[0] : -Infinity;
      const hi = c.has(2) ? c.known(2)?.[0] : Infinity;
      if (lo === 0 && hi === 6) return [c.b.op("Relu6", [c.input(0)], T("float32"), c.node.name)];
      if (lo === 0 && hi === Infinity) return [c.b.op("Relu", [c.input(0)], T("float32"), c.node.name)];
      const bound = (i: number, v: number, name: string) => (c.has(i) ? c.input(i) : c.b.float(c.part(name), v));
      const clipped = [c.input(0), bound(1, -3.4028234663852886e38, "lo"), bound(2, 3.4028234663852886e38, "hi")];
      return [c.b.op("ClipByValue", clipped, T(c.type(0)), c.node.name)];
    },
  },
  {
    opType: "Clip",
    since: 6,
    convert: (c) => {
      const lo = attrFloat(c.node, "min", -3.4028234663852886e38);
      const hi = attrFloat(c.node, "max", 3.4028234663852886e38);
      if (lo === 0 && hi === 6) return [c.b.op("Relu6", [c.input(0)], T("float32"), c.node.name)];
      return [c.b.op("ClipByValue", [c.input(0), c.b.float(c.part("lo"), lo), c.b.float(c.part("hi"), hi)], T("float32"), c.node.name)];
    },
  },
];
