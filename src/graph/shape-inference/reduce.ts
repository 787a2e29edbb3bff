// Reductions. Axes are an attribute until opset 18 (ReduceSum: 13) and an
// optional input from then on; one base rule, thin per-version entries.
import { attrInt, attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { normalizeAxis, product } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function reduced(ctx: InferContext, x: readonly Dim[], axes: readonly number[], keep: boolean): readonly Dim[] | undefined {
  const normalized = new Set<number>();
  for (const axis of axes) {
    const a = normalizeAxis(axis, x.length);
    if (a === undefined) {
      ctx.problem(`axis ${axis} is out of range for rank ${x.length}`);
      return undefined;
    }
    normalized.add(a);
  }
  const all = axes.length === 0;
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (all || normalized.has(i)) {
      if (keep) out.push(1);
    } else out.push(d);
  });
  return out;
}

/** ReduceProd over a shape value (how some exporters flatten): the product of the dims, symbolic or not. */
function foldedValue(ctx: InferContext, x: readonly Dim[], shape: readonly Dim[] | undefined): readonly Dim[] | undefined {
  const v = ctx.value(0);
  if (ctx.node.opType !== "ReduceProd" || v === undefined || x.length !== 1 || shape === undefined || shape.length > 1) return undefined;
  return shape.length === 1 && shape[0] !== 1 ? undefined : [product(v)];
}

function reduce(axesFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const keep = attrInt(ctx.node, "keepdims", 1) === 1;
    if (x === undefined) return [{ dtype }];
    if (axesFrom === "attribute") {
      const shape = reduced(ctx, x, attrInts(ctx.node, "axes", []), keep);
      return [{ dtype, shape, value: foldedValue(ctx, x, shape) }];
    }
    const axesGiven = (ctx.node.inputs[1] ?? "") !== "";
    const axes = axesGiven ? ctx.numbers(1) : [];
    if (axes === undefined) {
      // Which axes is only known at run time: with keepdims the rank survives.
      return [{ dtype, shape: keep ? x.map((d) => (d === 1 ? 1 : null)) : undefined }];
    }
    if (axes.length === 0 && attrInt(ctx.node, "noop_with_empty_axes", 0) === 1) return [{ dtype, shape: x, value: ctx.value(0) }];
    const shape = reduced(ctx, x, axes, keep);
    return [{ dtype, shape, value: foldedValue(ctx, x, shape) }];
  };
}

const REDUCE_OPS = [
  "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
  "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
] as const;

function argReduce(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  if (x === undefined) return [{ dtype: "int64" }];
  const keep = attrInt(ctx.node, "keepdims", 1) === 1;
  return [{ dtype: "int64", shape: reduced(ctx, x, [attrInt(ctx.node, "axis", 0)], keep) }];
}

export const reduceRules: readonly ShapeRule[] = [
  ...REDUCE_OPS.flatMap((opType): ShapeRule[] => [
    { opType, since: 1, infer: reduce("attribute") },
    { opType, since: opType === "ReduceSum" ? 13 : 18, infer: reduce("input") },
  ]),
  { opType: "ArgMax", since: 1, infer: argReduce },
  { opType: "ArgMin", since: 1, infer: argReduce },
];

