// Slice, Gather, GatherND, Compress and Pad. Slice and Gather on shape values
// are how PyTorch picks dims out of Shape, so both fold rank-1 (and small)
// values.
import { attrInt, attrInts } from "../attributes.js";
import type { Dim } from "../types.js";
import { add, normalizeAxis, product, show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";
import { pickValue } from "./values.js";

interface SliceAxis {
  start: number;
  end: number;
  step: number;
}

/** Resolved [first, count] of a slice over a dim of known size (ONNX clamping rules). */
function sliceRange(size: number, { start, end, step }: SliceAxis): { first: number; count: number } {
  let s = start < 0 ? start + size : start;
  let e = end < 0 ? end + size : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), size);
    e = Math.min(Math.max(e, 0), size);
    return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  s = Math.min(Math.max(s, 0), size - 1);
  e = Math.min(Math.max(e, -1), size - 1);
  return { first: s, count: Math.max(0, Math.ceil((s - e) / -step)) };
}

const WHOLE_AXIS = 2 ** 31 - 1; // exporters write INT_MAX / INT64_MAX for "to the end"

function slicedDim(d: Dim, a: SliceAxis): Dim {
  if (typeof d === "number") return sliceRange(d, a).count;
  // A symbolic size survives only a whole-axis slice, forwards or reversed (x[::-1]).
  const forwards = a.step === 1 && a.start === 0 && a.end >= WHOLE_AXIS;
  const backwards = a.step === -1 && (a.start === -1 || a.start >= WHOLE_AXIS) && a.end <= -WHOLE_AXIS;
  return forwards || backwards ? d : null;
}

function slice(paramsFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined) return [{ dtype }];
    const given = (i: number): boolean => (ctx.node.inputs[i] ?? "") !== "";
    const starts = paramsFrom === "attribute" ? attrInts(ctx.node, "starts") : ctx.numbers(1);
    const ends = paramsFrom === "attribute" ? attrInts(ctx.node, "ends") : ctx.numbers(2);
    const axes = paramsFrom === "attribute" ? attrInts(ctx.node, "axes", []) : given(3) ? ctx.numbers(3) : [];
    const steps = paramsFrom === "attribute" ? [] : given(4) ? ctx.numbers(4) : [];
    if (starts === undefined || ends === undefined || axes === undefined || steps === undefined) {
      // Which axes are cut is known only at run time when axes are; otherwise those axes are unknown.
      if (axes === undefined || axes.length === 0) return [{ dtype, shape: x.map(() => null) }];
      return [{ dtype, shape: x.map((d, i) => (axes.some((a) => normalizeAxis(a, x.length) === i) ? null : d)) }];
    }
    const perAxis = new Map<number, SliceAxis>();
    starts.forEach((start, k) => {
      const axis = normalizeAxis(axes.length > 0 ? axes[k] : k, x.length);
      const step = steps.length > 0 ? steps[k] : 1;
      if (axis === undefined || step === 0) ctx.problem(`slice axis ${axes[k] ?? k} / step ${step} is invalid for ${show(x)}`);
      else perAxis.set(axis, { start, end: ends[k], step });
    });
    const shape = x.map((d, i) => {
      const a = perAxis.get(i);
      return a === undefined ? d : slicedDim(d, a);
    });
    // Fold the value when every size is known: one list of picked indices per axis.
    const v = ctx.value(0);
    let value: Dim[] | undefined;
    if (v && x.every((d) => typeof d === "number")) {
      const picks = (x as number[]).map((size, i) => {
        const a = perAxis.get(i);
        if (a === undefined) return Array.from({ length: size }, (_, k) => k);
        const { first, count } = sliceRange(size, a);
        return Array.from({ length: count }, (_, k) => first + k * a.step);
      });
      value = pickValue(v, x as number[], picks);
    }
    return [{ dtype, shape, value }];
  };
}

function gather(ctx: InferContext): ValueFacts {
  const data = ctx.shape(0);
  const indices = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (data === undefined || indices === undefined) return { dtype };
  const axis = normalizeAxis(attrInt(ctx.node, "axis", 0), data.length);
  if (axis === undefined) {
    ctx.problem(`axis ${attrInt(ctx.node, "axis", 0)} is out of range for ${show(data)}`);
    return { dtype };
  }
  const shape = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
  // Fold picks from rank-1 values (Shape → Gather is how exporters read one dim).
  const v = ctx.value(0);
  const idx = ctx.numbers(1);
  let value: Dim[] | undefined;
  if (v && idx && data.length === 1 && typeof data[0] === "number") {
    const size = data[0];
    value = idx.map((i) => v[i < 0 ? i + size : i] ?? null);
  }
  return { dtype, shape, value };
}

/**
 * GatherND: each index tuple (the last axis of `indices`, `depth` long)
 * picks a slice of `data` after `batch_dims` shared leading dims, so the
 * output is indices.shape[:-1] + data.shape[batch_dims + depth:].
 */
function gatherND(ctx: InferContext): ValueFacts {
  const data = ctx.shape(0);
  const indices = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (data === undefined || indices === undefined) return { dtype };
  const batchDims = attrInt(ctx.node, "batch_dims", 0);
  const depth = indices[indices.length - 1];
  if (indices.length < 1 || batchDims < 0 || batchDims >= indices.length || batchDims >= data.length) {
    ctx.problem(`indices ${show(indices)} with batch_dims ${batchDims} do not address data ${show(data)}`);
    return { dtype };
  }
  // The tuple length fixes the output's rank; unknown, only the element type is known.
  if (typeof depth !== "number") return { dtype };
  if (depth < 1 || batchDims + depth > data.length) {
    ctx.problem(`index tuples of length ${depth} with batch_dims ${batchDims} do not fit data ${show(data)}`);
    return { dtype };
  }
  return { dtype, shape: [...indices.slice(0, -1), ...data.slice(batchDims + depth)] };
}

/**
 * Compress keeps the entries along `axis` (of the flattened input when axis
 * is absent) whose condition is true; how many is known only when the
 * condition is a constant.
 */
function compress(ctx: InferContext): ValueFacts {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (x === undefined) return { dtype };
  const flat = ctx.node.attributes.axis === undefined;
  const axis = flat ? 0 : normalizeAxis(attrInt(ctx.node, "axis"), x.length);
  if (axis === undefined) {
    ctx.problem(`axis ${attrInt(ctx.node, "axis")} is out of range for ${show(x)}`);
    return { dtype };
  }
  const size = flat ? product(x) : x[axis];
  const condition = ctx.numbers(1);
  // Entries past the input's length along the axis select nothing.
  const kept = condition !== undefined && typeof size === "number" ? condition.slice(0, size).filter((c) => c !== 0).length : null;
  if (flat) return { dtype, shape: [kept] };
  return { dtype, shape: x.map((d, i) => (i === axis ? kept : d)) };
}

function pad(padsFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined) return [{ dtype }];
    const pads = padsFrom === "attribute" ? attrInts(ctx.node, "pads") : ctx.numbers(1);
    const axesGiven = padsFrom === "input" && (ctx.node.inputs[3] ?? "") !== "";
    const axes = axesGiven ? ctx.numbers(3) : x.map((_, i) => i);
    if (pads === undefined || axes === undefined) return [{ dtype, shape: x.map(() => null) }];
    if (pads.length !== axes.length * 2) {
      ctx.problem(`pads has ${pads.length} entries; ${axes.length * 2} expected for ${show(x)}`);
      return [{ dtype }];
    }
    const shape = [...x];
    axes.forEach((axis, k) => {
      const a = normalizeAxis(axis, x.length);
      if (a !== undefined) shape[a] = add(add(x[a], pads[k]), pads[k + axes.length]);
    });
    return [{ dtype, shape }];
  };
}

function topK(kFrom: "attribute" | "input") {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (x === undefined) return [{ dtype }, { dtype: "int64" }];
    const axis = normalizeAxis(attrInt(ctx.node, "axis", -1), x.length);
    const k = kFrom === "attribute" ? attrInt(ctx.node, "k") : ctx.numbers(1)?.[0];
    const shape = x.map((d, i) => (i === axis ? k ?? null : d));
    return [{ dtype, shape }, { dtype: "int64", shape }];
  };
}

function oneHot(ctx: InferContext): ValueFacts {
  const indices = ctx.shape(0);
  const dtype = ctx.dtype(2);
  if (indices === undefined) return { dtype };
  const rank = indices.length + 1;
  const axis = normalizeAxis(attrInt(ctx.node, "axis", -1), rank) ?? rank - 1;
  const depth = ctx.numbers(1)?.[0];
  const shape: Dim[] = [...indices];
  shape.splice(axis, 0, depth === undefined ? null : Math.trunc(depth));
  return { dtype, shape };
}

export const indexingRules: readonly ShapeRule[] = [
  // GatherElements picks one element per index: the output has the indices' shape.
  { opType: "GatherElements", since: 11, infer: (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(1) }] },
  { opType: "TopK", since: 1, infer: topK("attribute") },
  { opType: "TopK", since: 10, infer: topK("input") },
  // How many elements are non-zero is data: only the rank of the coordinates is known.
  { opType: "NonZero", since: 9, infer: (ctx) => [{ dtype: "int64", shape: [ctx.shape(0)?.length ?? null, null] }] },
  { opType: "OneHot", since: 9, infer: (ctx) => [oneHot(ctx)] },
  { opType: "Slice", since: 1, infer: slice("attribute") },
  { opType: "Slice", since: 10, infer: slice("input") },
  { opType: "Gather", since: 1, infer: (ctx) => [gather(ctx)] },
  { opType: "GatherND", since: 11, infer: (ctx) => [gatherND(ctx)] },
  { opType: "Compress", since: 9, infer: (ctx) => [compress(ctx)] },
  { opType: "Pad", since: 1, infer: pad("attribute") },
  { opType: "Pad", since: 11, infer: pad("input") },
];
