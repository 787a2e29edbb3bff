// Quantization ops (what quantize.dynamic/static emit): QuantizeLinear,
// DequantizeLinear, DynamicQuantizeLinear and the integer Conv/MatMul forms.
import { DTYPE_FROM_ONNX } from "../onnx-dtype.js";
import type { ValueFacts, InferContext, ShapeRule } from "./types.js";
import { conv } from "./conv.js";
import { matmulShape } from "./matmul.js";

/** A context whose inputs are a re-indexing of `ctx`'s (QLinearConv's x and w sit at 0 and 3). */
export function remapped(ctx: InferContext, indices: readonly number[]): InferContext {
  const at = (i: number): number => indices[i] ?? -1;
  return {
    ...ctx,
    input: (i) => ctx.input(at(i)),
    shape: (i) => ctx.shape(at(i)),
    dtype: (i) => ctx.dtype(at(i)),
    value: (i) => ctx.value(at(i)),
    numbers: (i) => ctx.numbers(at(i)),
  };
}

function quantize(ctx: InferContext): ValueFacts {
  const code = ctx.node.attributes.output_dtype;
  const fromAttr = code?.type === "int" && code.value !== 0 ? DTYPE_FROM_ONNX[code.value] : undefined;
  return { dtype: ctx.dtype(2) ?? fromAttr ?? "uint8", shape: ctx.shape(0) };
}

function integerMatmul(ctx: InferContext, a: number, b: number): ValueFacts["shape"] {
  const sa = ctx.shape(a);
  const sb = ctx.shape(b);
  return sa && sb ? matmulShape(ctx, sa, sb) : undefined;
}

export const quantizationRules: readonly ShapeRule[] = [
  { opType: "QuantizeLinear", since: 10, infer: (ctx) => [quantize(ctx)] },
  { opType: "DequantizeLinear", since: 10, infer: (ctx) => [{ dtype: ctx.dtype(1) ?? "float32", shape: ctx.shape(0) }] },
  {
    opType: "DynamicQuantizeLinear",
    since: 11,
    infer: (ctx) => [{ dtype: "uint8", shape: ctx.shape(0) }, { dtype: "float32", shape: [] }, { dtype: "uint8", shape: [] }],
  },
  { opType: "ConvInteger", since: 10, infer: (ctx) => [{ ...conv(ctx), dtype: "int32" }] },
  { opType: "QLinearConv", since: 10, infer: (ctx) => [{ ...conv(remapped(ctx, [0, 3])), dtype: ctx.dtype(7) ?? ctx.dtype(0) }] },
  { opType: "MatMulInteger", since: 10, infer: (ctx) => [{ dtype: "int32", shape: integerMatmul(ctx, 0, 1) }] },
  { opType: "QLinearMatMul", since: 10, infer: (ctx) => [{ dtype: ctx.dtype(7) ?? ctx.dtype(0), shape: integerMatmul(ctx, 0, 3) }] },
];
