// Concat and Split (split sizes as attribute before opset 13, as input after,
// num_outputs from 18). Rank-1 values are joined and split too.
import { attrInt, attrInts, hasAttr } from "../attributes.js";
import type { Dim } from "../types.js";
import { add, normalizeAxis, show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function concat(ctx: InferContext): ValueFacts {
  const indices = ctx.node.inputs.map((_, i) => i).filter((i) => ctx.node.inputs[i] !== "");
  const shapes = indices.map((i) => ctx.shape(i));
  const dtype = indices.map((i) => ctx.dtype(i)).find((d) => d !== undefined);
  const known = shapes.filter((s): s is readonly Dim[] => s !== undefined);
  if (known.length === 0) return { dtype };
  const rank = known[0].length;
  const axis = normalizeAxis(attrInt(ctx.node, "axis"), rank);
  if (axis === undefined || known.some((s) => s.length !== rank)) {
    ctx.problem(`inputs ${known.map(show).join(", ")} cannot be joined on axis ${attrInt(ctx.node, "axis")}`);
    return { dtype };
  }
  const out: Dim[] = known[0].map((_, i) => {
    if (i === axis) return shapes.every((s) => s !== undefined) ? known.map((s) => s[axis]).reduce(add) : null;
    const sizes = known.map((s) => s[i]);
    const numbers = [...new Set(sizes.filter((d) => typeof d === "number"))];
    if (numbers.length > 1) ctx.problem(`inputs ${known.map(show).join(", ")} differ in dimension ${i}`);
    return numbers[0] ?? (sizes.every((d) => d === sizes[0]) ? sizes[0] : null);
  });
  const values = indices.map((i) => ctx.value(i));
  const value = rank === 1 && values.every((v) => v !== undefined) ? values.flatMap((v) => [...v!]) : undefined;
  return { dtype, shape: out, value };
}

/** Split sizes from the attribute/input, or equal parts for `parts` outputs (uneven last part from opset 18). */
function splitSizes(ctx: InferContext, size: Dim, given: readonly number[] | undefined, parts: number): Dim[] {
  if (given !== undefined && given.length > 0) {
    const total = given.reduce((a, b) => a + b, 0);
    if (typeof size === "number" && total !== size) ctx.problem(`split sizes [${given.join(", ")}] add up to ${total}, not ${size}`);
    return [...given];
  }
  if (typeof size !== "number") return new Array<Dim>(parts).fill(null);
  if (ctx.opset < 18 && size % parts !== 0) ctx.problem(`dimension ${size} does not split into ${parts} equal parts`);
  const chunk = Math.ceil(size / parts);
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, size - i * chunk)));
}

function split(sizesFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const parts = hasAttr(ctx.node, "num_outputs") ? attrInt(ctx.node, "num_outputs") : ctx.node.outputs.length;
    if (x === undefined) return ctx.node.outputs.map(() => ({ dtype }));
    const axis = normalizeAxis(attrInt(ctx.node, "axis", 0), x.length);
    if (axis === undefined) {
      ctx.problem(`axis ${attrInt(ctx.node, "axis", 0)} is out of range for ${show(x)}`);
      return ctx.node.outputs.map(() => ({ dtype }));
    }
    let given: readonly number[] | undefined;
    if (sizesFrom === "attribute") given = attrInts(ctx.node, "split", []);
    else if ((ctx.node.inputs[1] ?? "") !== "") {
      given = ctx.numbers(1);
      if (given === undefined) return ctx.node.outputs.map(() => ({ dtype, shape: x.map((d, i) => (i === axis ? null : d)) }));
    }
    const sizes = splitSizes(ctx, x[axis], given, parts);
    const value = x.length === 1 ? ctx.value(0) : undefined;
    let offset = 0;
    return sizes.map((s) => {
      const part = value && typeof s === "number" ? value.slice(offset, offset + s) : undefined;
      offset += typeof s === "number" ? s : 0;
      return { dtype, shape: x.map((d, i) => (i === axis ? s : d)), value: part };
    });
  };
}

export const joinRules: readonly ShapeRule[] = [
  { opType: "Concat", since: 1, infer: (ctx) => [concat(ctx)] },
  { opType: "Split", since: 1, infer: split("attribute") },
  { opType: "Split", since: 13, infer: split("input") },
];
