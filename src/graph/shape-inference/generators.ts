// Ops that make tensors from shapes or attributes: Shape, Size, Constant,
// ConstantOfShape, Range. Shape is where symbolic dims enter folded values.
import { attrInt, attrTensor } from "../attributes.js";
import { float32, int64, makeTensor } from "../tensor.js";
import type { Dim, Tensor } from "../types.js";
import { product } from "./dims.js";
import { foldable, tensorFacts } from "./facts.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function shapeOf(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  if (x === undefined) return { dtype: "int64", shape: [null] };
  // start/end (opset 15) clamp like Python slicing.
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + x.length : i, 0), x.length);
  const start = clamp(attrInt(ctx.node, "start", 0));
  const end = clamp(attrInt(ctx.node, "end", x.length));
  const value = x.slice(start, Math.max(start, end));
  return { dtype: "int64", shape: [value.length], value };
}

function size(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  return { dtype: "int64", shape: [], value: x ? [product(x)] : undefined };
}

/** The tensor a Constant node holds, whichever value_* attribute carries it. */
export function constantTensor(ctx: InferContext): Tensor | undefined {
  const a = ctx.node.attributes;
  const t = attrTensor(ctx.node, "value");
  if (t) return t;
  if (a.value_float?.type === "float") return float32([], [a.value_float.value]);
  if (a.value_floats?.type === "floats") return float32([a.value_floats.value.length], a.value_floats.value);
  if (a.value_int?.type === "int") return int64([], [a.value_int.value]);
  if (a.value_ints?.type === "ints") return int64([a.value_ints.value.length], a.value_ints.value);
  if (a.value_string?.type === "string") return makeTensor("string", [], [a.value_string.value]);
  if (a.value_strings?.type === "strings") return makeTensor("string", [a.value_strings.value.length], [...a.value_strings.value]);
  ctx.problem("Constant has no value attribute (value, value_float(s), value_int(s), value_string(s))");
  return undefined;
}

function constantOfShape(ctx: InferContext): ValueFacts {
  const fill = attrTensor(ctx.node, "value");
  const dtype = fill?.dtype ?? "float32";
  const target = ctx.value(0);
  if (target === undefined) {
    const rank = ctx.shape(0)?.[0];
    return { dtype, shape: typeof rank === "number" ? new Array<Dim>(rank).fill(null) : undefined };
  }
  const count = product(target);
  const element = fill ? tensorFacts(fill).value?.[0] : 0;
  const value = element !== undefined && foldable(count) ? new Array<Dim>(count).fill(element) : undefined;
  return { dtype, shape: target, value };
}

function range(ctx: InferContext): ValueFacts {
  const dtype = ctx.dtype(0);
  const [start, limit, delta] = [ctx.numbers(0)?.[0], ctx.numbers(1)?.[0], ctx.numbers(2)?.[0]];
  // arange(T) on a symbolic length (position ids) has T elements.
  const symbolicLimit = ctx.value(1)?.[0];
  if (start === 0 && delta === 1 && typeof symbolicLimit === "string") return { dtype, shape: [symbolicLimit] };
  if (start === undefined || limit === undefined || delta === undefined) return { dtype, shape: [null] };
  if (delta === 0) {
    ctx.problem("delta is 0");
    return { dtype, shape: [null] };
  }
  const count = Math.max(Math.ceil((limit - start) / delta), 0);
  const value = foldable(count) ? Array.from({ length: count }, (_, i) => start + i * delta) : undefined;
  return { dtype, shape: [count], value };
}

export const generatorRules: readonly ShapeRule[] = [
  { opType: "Shape", since: 1, infer: (ctx) => [shapeOf(ctx)] },
  { opType: "Size", since: 1, infer: (ctx) => [size(ctx)] },
  {
    opType: "Constant",
    since: 1,
    infer: (ctx) => {
      const t = constantTensor(ctx);
      return [t ? tensorFacts(t) : undefined];
    },
  },
  { opType: "ConstantOfShape", since: 9, infer: (ctx) => [constantOfShape(ctx)] },
  { opType: "Range", since: 11, infer: (ctx) => [range(ctx)] },
];
