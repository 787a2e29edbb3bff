// Ops that rearrange elements without computing: Reshape, Flatten, Transpose,
// Squeeze, Unsqueeze, Expand, Tile. Reshape reads its target from a folded
// value, so PyTorch's Shape → Gather → Concat → Reshape chains resolve.
import { attrInt, attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { broadcast, divide, multiply, normalizeAxis, product, show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";
import { transposeValue } from "./values.js";

/** The size a -1 in a Reshape target stands for: the input's element count over the rest's, symbols cancelling. */
function inferredDim(input: readonly Dim[], rest: readonly Dim[]): Dim {
  return divide(product(input), product(rest));
}

function reshape(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const target = ctx.value(1);
  const allowZero = ctx.opset >= 14 && attrInt(ctx.node, "allowzero", 0) === 1;
  if (target === undefined) {
    const targetShape = ctx.shape(1);
    const rank = targetShape?.length === 1 ? targetShape[0] : null;
    return { dtype, shape: typeof rank === "number" ? new Array<Dim>(rank).fill(null) : undefined };
  }
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x ? x[i] ?? null : null) : d));
  const minusOne = out.indexOf(-1);
  if (minusOne >= 0) {
    if (out.indexOf(-1, minusOne + 1) >= 0) ctx.problem(`target shape ${show(target)} has more than one -1`);
    out[minusOne] = x ? inferredDim(x, out.filter((_, i) => i !== minusOne)) : null;
  }
  if (x && out.every((d) => typeof d === "number") && x.every((d) => typeof d === "number")) {
    if (product(out) !== product(x)) ctx.problem(`cannot reshape ${show(x)} (${product(x)} elements) to ${show(out)}`);
  }
  return { dtype, shape: out, value: ctx.value(0) };
}

function flatten(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (x === undefined) return { dtype };
  const axis = attrInt(ctx.node, "axis", 1);
  const a = axis < 0 ? axis + x.length : axis;
  if (a < 0 || a > x.length) {
    ctx.problem(`axis ${axis} is out of range for rank ${x.length}`);
    return { dtype };
  }
  return { dtype, shape: [product(x.slice(0, a)), product(x.slice(a))], value: ctx.value(0) };
}

function transpose(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (x === undefined) return { dtype };
  const perm = attrInts(ctx.node, "perm", x.map((_, i) => x.length - 1 - i));
  if (perm.length !== x.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
    ctx.problem(`perm [${perm.join(", ")}] is not a permutation of the ${x.length} axes of ${show(x)}`);
    return { dtype };
  }
  const v = ctx.value(0);
  const value = v && x.every((d) => typeof d === "number") ? transposeValue(v, x as number[], perm) : undefined;
  return { dtype, shape: perm.map((p) => x[p]), value };
}

function squeeze(axesFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined) return [{ dtype }];
    const axes = axesFrom === "attribute" ? attrInts(ctx.node, "axes", []) : (ctx.node.inputs[1] ?? "") === "" ? [] : ctx.numbers(1);
    if (axes === undefined) return [{ dtype }];
    if (axes.length === 0) {
      // Without axes every size-1 dim goes; unknown dims make the rank unknown.
      if (x.some((d) => typeof d !== "number")) return [{ dtype }];
      return [{ dtype, shape: x.filter((d) => d !== 1), value: ctx.value(0) }];
    }
    const drop = new Set<number>();
    for (const axis of axes) {
      const a = normalizeAxis(axis, x.length);
      if (a === undefined) ctx.problem(`axis ${axis} is out of range for rank ${x.length}`);
      else if (typeof x[a] === "number" && x[a] !== 1) ctx.problem(`cannot squeeze axis ${axis} of ${show(x)}: its size is not 1`);
      else drop.add(a);
    }
    return [{ dtype, shape: x.filter((_, i) => !drop.has(i)), value: ctx.value(0) }];
  };
}

function unsqueeze(axesFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const axes = axesFrom === "attribute" ? attrInts(ctx.node, "axes") : ctx.numbers(1);
    if (x === undefined || axes === undefined) return [{ dtype }];
    const rank = x.length + axes.length;
    const inserted = new Set<number>();
    for (const axis of axes) {
      const a = normalizeAxis(axis, rank);
      if (a === undefined || inserted.has(a)) ctx.problem(`axes [${axes.join(", ")}] are out of range or repeated for output rank ${rank}`);
      else inserted.add(a);
    }
    const out: Dim[] = [];
    let next = 0;
    for (let i = 0; i < rank; i++) out.push(inserted.has(i) ? 1 : x[next++] ?? null);
    return [{ dtype, shape: out, value: ctx.value(0) }];
  };
}

function expand(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const target = ctx.value(1);
  if (x === undefined) return { dtype };
  if (target === undefined) {
    const n = ctx.shape(1)?.[0];
    return { dtype, shape: typeof n === "number" ? new Array<Dim>(Math.max(n, x.length)).fill(null) : undefined };
  }
  const shape = broadcast([x, target]);
  if (typeof shape === "string") {
    ctx.problem(shape);
    return { dtype };
  }
  return { dtype, shape };
}

function tile(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const repeats = ctx.numbers(1);
  if (x === undefined) return { dtype };
  if (repeats === undefined) return { dtype, shape: x.map(() => null) };
  if (repeats.length !== x.length) {
    ctx.problem(`repeats has ${repeats.length} entries for an input of rank ${x.length}`);
    return { dtype };
  }
  return { dtype, shape: x.map((d, i) => multiply(d, repeats[i])) };
}

export const reshapeRules: readonly ShapeRule[] = [
  { opType: "Reshape", since: 5, infer: (ctx) => [reshape(ctx)] },
  { opType: "Flatten", since: 1, infer: (ctx) => [flatten(ctx)] },
  { opType: "Transpose", since: 1, infer: (ctx) => [transpose(ctx)] },
  { opType: "Squeeze", since: 1, infer: squeeze("attribute") },
  { opType: "Squeeze", since: 13, infer: squeeze("input") },
  { opType: "Unsqueeze", since: 1, infer: unsqueeze("attribute") },
  { opType: "Unsqueeze", since: 13, infer: unsqueeze("input") },
  { opType: "Expand", since: 8, infer: (ctx) => [expand(ctx)] },
  { opType: "Tile", since: 6, infer: (ctx) => [tile(ctx)] },
];
