// Ops whose output has the shape of input 0: activations, math functions,
// Cast, Identity, Dropout. Shape-like values pass through where the op leaves
// integers unchanged (Identity, Cast between integer types, Neg, Abs).
import { attrInt } from "../attributes.js";
import { DTYPE_FROM_ONNX } from "../onnx-dtype.js";
import type { Dim } from "../types.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function sameAsInput(ctx: InferContext): ValueFacts {
  return { dtype: ctx.dtype(0), shape: ctx.shape(0) };
}

const SAME_SHAPE_OPS = [
  "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu",
  "Softmax", "LogSoftmax", "Hardmax", "Sqrt", "Exp", "Log", "Reciprocal", "Softplus", "Softsign",
  "Elu", "Selu", "Celu", "Mish", "ThresholdedRelu", "Floor", "Ceil", "Round", "Sin", "Cos", "Tan",
  "Sign", "Clip", "LRN", "InstanceNormalization", "GroupNormalization", "MeanVarianceNormalization",
  "Sinh", "Cosh", "Asin", "Acos", "Atan", "Asinh", "Acosh", "Atanh", "Shrink", "Trilu", "CumSum",
  "ReverseSequence", "Scatter", "ScatterElements", "ScatterND",
] as const;

const sameShapeRules: ShapeRule[] = SAME_SHAPE_OPS.map((opType) => ({ opType, since: 1, infer: (ctx) => [sameAsInput(ctx)] }));

function mapValue(v: readonly Dim[] | undefined, f: (n: number) => number): readonly Dim[] | undefined {
  return v?.map((d) => (typeof d === "number" ? f(d) : null));
}

const INTEGER_DTYPES = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]);

export const unaryRules: readonly ShapeRule[] = [
  ...sameShapeRules,
  { opType: "Identity", since: 1, infer: (ctx) => [ctx.input(0)] },
  { opType: "Neg", since: 1, infer: (ctx) => [{ ...sameAsInput(ctx), value: mapValue(ctx.value(0), (n) => -n) }] },
  { opType: "Abs", since: 1, infer: (ctx) => [{ ...sameAsInput(ctx), value: mapValue(ctx.value(0), Math.abs) }] },
  {
    opType: "Not",
    since: 1,
    infer: (ctx) => [{ dtype: "bool", shape: ctx.shape(0), value: mapValue(ctx.value(0), (n) => (n ? 0 : 1)) }],
  },
  { opType: "IsNaN", since: 9, infer: (ctx) => [{ dtype: "bool", shape: ctx.shape(0) }] },
  { opType: "IsInf", since: 10, infer: (ctx) => [{ dtype: "bool", shape: ctx.shape(0) }] },
  {
    opType: "Cast",
    since: 1,
    infer: (ctx) => {
      const dtype = DTYPE_FROM_ONNX[attrInt(ctx.node, "to")];
      if (dtype === undefined) ctx.problem(`Cast "to" = ${attrInt(ctx.node, "to")} is not an ONNX data type`);
      const from = ctx.dtype(0);
      // Symbolic dims survive casts between integer types (PyTorch casts shapes to int64 and back).
      const keeps = dtype !== undefined && (INTEGER_DTYPES.has(dtype) || dtype.startsWith("float")) && from !== undefined && INTEGER_DTYPES.has(from);
      return [{ dtype, shape: ctx.shape(0), value: keeps ? ctx.value(0) : undefined }];
    },
  },
  // CastLike takes its element type from input 1.
  { opType: "CastLike", since: 15, infer: (ctx) => [{ dtype: ctx.dtype(1), shape: ctx.shape(0) }] },
  // Random-like ops and EyeLike: input 0's shape, element type from "dtype" when given.
  ...["RandomUniformLike", "RandomNormalLike", "EyeLike", "Bernoulli"].map(
    (opType): ShapeRule => ({
      opType,
      since: 1,
      infer: (ctx) => {
        const code = ctx.node.attributes.dtype;
        return [{ dtype: code?.type === "int" ? DTYPE_FROM_ONNX[code.value] : ctx.dtype(0), shape: ctx.shape(0) }];
      },
    }),
  ),
  {
    opType: "Dropout",
    since: 1,
    // Output 1 is the mask: bool from opset 10, the input's type before.
    infer: (ctx) => [sameAsInput(ctx), { dtype: ctx.opset >= 10 ? "bool" : ctx.dtype(0), shape: ctx.shape(0) }],
  },
];
