// onnxruntime's com.microsoft quantized ops (its QOperator format and
// quantize.weights' MatMulNBits): each output takes the shape of the float op
// it stands for, computed on its value inputs, and its zero point's type.
import { joinRules } from "./join.js";
import { matmulRules } from "./matmul.js";
import { poolRules } from "./pool.js";
import { broadcast } from "./dims.js";
import { matmulShape } from "./matmul.js";
import { remapped } from "./quantization.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

const MS = "com.microsoft";

function floatRule(rules: readonly ShapeRule[], opType: string): ShapeRule {
  return rules.find((r) => r.opType === opType)!;
}

/** The float op's facts on re-indexed inputs, typed like the zero point at `zeroPoint` (uint8 when absent). */
function like(rule: ShapeRule, ctx: InferContext, inputs: readonly number[], zeroPoint: number): ValueFacts {
  const facts = rule.infer(remapped(ctx, inputs))[0] ?? {};
  return { shape: facts.shape, dtype: ctx.input(zeroPoint) ? ctx.dtype(zeroPoint) : "uint8" };
}

function binary(ctx: InferContext): ValueFacts {
  const a = ctx.shape(0);
  const b = ctx.shape(3);
  const dtype = ctx.input(7) ? ctx.dtype(7) : "uint8";
  if (!a || !b) return { dtype };
  const shape = broadcast([a, b]);
  if (typeof shape === "string") {
    ctx.problem(shape);
    return { dtype };
  }
  return { dtype, shape };
}

function matMulNBits(ctx: InferContext): ValueFacts {
  const a = ctx.shape(0);
  const n = ctx.node.attributes.N;
  const k = ctx.node.attributes.K;
  const dtype = ctx.dtype(0);
  if (!a || n?.type !== "int" || k?.type !== "int") return { dtype };
  return { dtype, shape: matmulShape(ctx, a, [k.value, n.value]) };
}

const concatRule = floatRule(joinRules, "Concat");

export const quantizationContribRules: readonly ShapeRule[] = [
  { opType: "QLinearAdd", domain: MS, since: 1, infer: (ctx) => [binary(ctx)] },
  { opType: "QLinearMul", domain: MS, since: 1, infer: (ctx) => [binary(ctx)] },
  { opType: "QLinearSigmoid", domain: MS, since: 1, infer: (ctx) => [{ shape: ctx.shape(0), dtype: ctx.input(4) ? ctx.dtype(4) : "uint8" }] },
  { opType: "QLinearLeakyRelu", domain: MS, since: 1, infer: (ctx) => [{ shape: ctx.shape(0), dtype: ctx.input(4) ? ctx.dtype(4) : "uint8" }] },
  { opType: "QLinearGlobalAveragePool", domain: MS, since: 1, infer: (ctx) => [like(floatRule(poolRules, "GlobalAveragePool"), ctx, [0], 4)] },
  { opType: "QLinearAveragePool", domain: MS, since: 1, infer: (ctx) => [like(floatRule(poolRules, "AveragePool"), ctx, [0], 4)] },
  {
    opType: "QLinearConcat",
    domain: MS,
    since: 1,
    infer: (ctx) => {
      const values = ctx.node.inputs.map((_, i) => i).filter((i) => i >= 2 && (i - 2) % 3 === 0);
      const facts = concatRule.infer({ ...remapped(ctx, values), node: { ...ctx.node, inputs: values.map((i) => ctx.node.inputs[i]!) } })[0] ?? {};
      return [{ shape: facts.shape, dtype: ctx.input(1) ? ctx.dtype(1) : "uint8" }];
    },
  },
  {
    opType: "QGemm",
    domain: MS,
    since: 1,
    infer: (ctx) => {
      const facts = floatRule(matmulRules, "Gemm").infer(remapped(ctx, [0, 3, 6]))[0] ?? {};
      // Without y_scale QGemm's output is float.
      return [{ shape: facts.shape, dtype: ctx.input(7) ? (ctx.input(8) ? ctx.dtype(8) : "uint8") : "float32" }];
    },
  },
  { opType: "MatMulNBits", domain: MS, since: 1, infer: (ctx) => [matMulNBits(ctx)] },
];
