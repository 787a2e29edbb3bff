// Concat, Split, Slice and Gather. Along a channel axis a Concat lays its
// inputs' channels end to end (its consumer's indices map back to each
// source), Split and Slice take ranges of them (their sizes and bounds are
// rewritten to the kept counts); along other axes channels pass through, and
// Concat's inputs are coupled like an Add's.
import { attrInt, attrInts } from "../../../../graph/attributes.js";
import type { ChannelRule, Positions, RuleContext } from "../types.js";
import { int64Tensor, normalizeAxis, numbersOf, traceParam } from "./helpers.js";

export const concat: ChannelRule = (ctx) => {
  const inputs = ctx.node.inputs.filter((v) => v !== "");
  if (!inputs.some((v) => ctx.tracked(v))) return;
  const rank = ctx.shape(ctx.node.outputs[0]!)?.length;
  if (rank === undefined) return ctx.unmappable("has an output of unknown rank");
  const along = normalizeAxis(attrInt(ctx.node, "axis"), rank);
  for (let axis = 0; axis < rank; axis++) {
    if (axis === along) {
      if (!inputs.some((v) => ctx.tracked(v)?.get(axis))) continue;
      const parts: Positions[] = [];
      for (const v of inputs) {
        const p = ctx.tracked(v)?.get(axis);
        if (p) {
          parts.push(p);
          continue;
        }
        const size = ctx.shape(v)?.[axis];
        if (typeof size !== "number") return ctx.unmappable(`concatenates "${v}", whose size on the channel axis is unknown`);
        const fixed = ctx.fresh(size);
        ctx.pin(fixed, `node "${ctx.node.name}" (Concat) joins the channels of "${v}", which compactor does not track`);
        parts.push(fixed);
      }
      const joined = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        joined.set(p, offset);
        offset += p.length;
      }
      ctx.track(0, axis, joined);
      continue;
    }
    const here = inputs.map((v) => ctx.tracked(v)?.get(axis));
    const base = here.find((p) => p);
    if (!base) continue;
    inputs.forEach((v, i) => {
      const p = here[i];
      if (p) return ctx.couple(base, p);
      const param = traceParam(ctx, v, axis);
      if (param) ctx.cut({ initializer: param.initializer, axis: param.axis, role: "param" }, base, { value: v, axis, via: param.via });
      else ctx.pin(base, `node "${ctx.node.name}" (Concat) joins them with "${v}", whose channels on axis ${axis} compactor cannot cut`);
    });
    ctx.track(0, axis, base);
  }
};

/** Output pieces of a Split, as sizes; undefined when not known. */
function splitSizes(ctx: RuleContext, size: number): number[] | undefined {
  const node = ctx.node;
  const given = ctx.opset < 13 ? (node.attributes.split ? [...attrInts(node, "split")] : undefined) : node.inputs[1] ? numbersOf(ctx, node.inputs[1]) : undefined;
  if (given) return given;
  if (ctx.opset < 13 && node.attributes.split) return undefined;
  if (ctx.opset >= 13 && node.inputs[1]) return undefined;
  const pieces = node.outputs.length;
  const each = Math.ceil(size / pieces);
  return Array.from({ length: pieces }, (_, i) => Math.max(0, Math.min(each, size - i * each)));
}

export const split: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return;
  const rank = ctx.shape(x)?.length;
  if (rank === undefined) return ctx.unmappable("splits an input of unknown rank");
  const along = normalizeAxis(attrInt(ctx.node, "axis", 0), rank);
  for (const [axis, positions] of axes) {
    if (axis !== along) {
      ctx.node.outputs.forEach((_, i) => ctx.track(i, axis, positions));
      continue;
    }
    const sizes = splitSizes(ctx, positions.length);
    if (!sizes) return ctx.unmappable("splits channels into sizes computed at run time");
    const pieces: Positions[] = [];
    let offset = 0;
    for (const s of sizes) {
      pieces.push(positions.slice(offset, offset + s));
      offset += s;
    }
    pieces.forEach((p, i) => ctx.track(i, axis, p));
    const name = ctx.node.name;
    const opset = ctx.opset;
    if (opset >= 13) ctx.replaces(1);
    ctx.rewrite((kept, edit) => {
      const counts = pieces.map((p) => kept.kept(p).length);
      const node = edit.node(name);
      const { num_outputs: _n, split: _s, ...attributes } = node.attributes;
      if (opset < 13) edit.updateNode(name, { attributes: { ...attributes, split: { type: "ints", value: counts } } });
      else edit.updateNode(name, { attributes, inputs: [node.inputs[0]!, edit.addInitializer(`${name}_split`, int64Tensor(counts))] });
    });
  }
};

/** Slice bounds per sliced axis, all known; undefined when some are computed from unknown values. */
function sliceBounds(ctx: RuleContext, rank: number): { axes: number[]; starts: number[]; ends: number[]; steps: number[] } | undefined {
  const node = ctx.node;
  if (ctx.opset < 10) {
    const starts = [...attrInts(node, "starts")];
    const ends = [...attrInts(node, "ends")];
    const axes = node.attributes.axes ? [...attrInts(node, "axes")] : starts.map((_, i) => i);
    return { axes: axes.map((a) => normalizeAxis(a, rank)), starts, ends, steps: starts.map(() => 1) };
  }
  const starts = numbersOf(ctx, node.inputs[1]);
  const ends = numbersOf(ctx, node.inputs[2]);
  if (!starts || !ends) return undefined;
  const axes = node.inputs[3] ? numbersOf(ctx, node.inputs[3]) : starts.map((_, i) => i);
  const steps = node.inputs[4] ? numbersOf(ctx, node.inputs[4]) : starts.map(() => 1);
  if (!axes || !steps) return undefined;
  return { axes: axes.map((a) => normalizeAxis(a, rank)), starts, ends, steps };
}

/** A start or end clamped into [0, size] as ONNX does (negatives count from the end). */
function clampBound(v: number, size: number): number {
  const n = v < 0 ? v + size : v;
  return Math.max(0, Math.min(size, n));
}

export const slice: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return;
  const rank = ctx.shape(x)?.length;
  if (rank === undefined) return ctx.unmappable("slices an input of unknown rank");
  const bounds = sliceBounds(ctx, rank);
  if (!bounds) {
    // Bounds unknown: fine as long as no tracked axis is among the sliced ones — but those are unknown too.
    const givenAxes = ctx.opset >= 10 && ctx.node.inputs[3] ? numbersOf(ctx, ctx.node.inputs[3]) : undefined;
    if (!givenAxes || givenAxes.some((a) => axes.has(normalizeAxis(a, rank)))) return ctx.unmappable("slices with bounds computed at run time");
    for (const [axis, positions] of axes) ctx.track(0, axis, positions);
    return;
  }
  const ranges = new Map<number, { start: number; end: number; positions: Positions }>();
  for (const [axis, positions] of axes) {
    const i = bounds.axes.indexOf(axis);
    if (i < 0) {
      ctx.track(0, axis, positions);
      continue;
    }
    if (bounds.steps[i] !== 1) return ctx.unmappable("slices channels with a step other than 1");
    const start = clampBound(bounds.starts[i]!, positions.length);
    const end = Math.max(start, clampBound(bounds.ends[i]!, positions.length));
    ctx.track(0, axis, positions.slice(start, end));
    ranges.set(axis, { start, end, positions });
  }
  if (ranges.size === 0) return;
  const name = ctx.node.name;
  const opset = ctx.opset;
  if (opset >= 10) ctx.replaces(1, 2, 3, 4);
  ctx.rewrite((kept, edit) => {
    const starts = bounds.starts.slice();
    const ends = bounds.ends.slice();
    bounds.axes.forEach((axis, i) => {
      const r = ranges.get(axis);
      if (!r) return;
      starts[i] = kept.kept(r.positions.subarray(0, r.start)).length;
      ends[i] = kept.kept(r.positions.subarray(0, r.end)).length;
    });
    const node = edit.node(name);
    if (opset < 10) {
      edit.updateNode(name, { attributes: { ...node.attributes, starts: { type: "ints", value: starts }, ends: { type: "ints", value: ends }, axes: { type: "ints", value: bounds.axes } } });
      return;
    }
    const constant = (suffix: string, values: number[]) => edit.addInitializer(`${name}_${suffix}`, int64Tensor(values));
    edit.updateNode(name, { inputs: [node.inputs[0]!, constant("starts", starts), constant("ends", ends), constant("axes", bounds.axes), constant("steps", bounds.steps)] });
  });
};

/**
 * Gather. Rows of a 2-D table initializer picked by index are an embedding: its
 * columns are new units (a transformer's residual width starts here). Along
 * any other axis tracked channels pass through; picking channels by index is
 * not mapped.
 */
export const gather: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  const table = ctx.initializer(x);
  if (!axes && table && ctx.shape(table)?.length === 2 && attrInt(ctx.node, "axis", 0) === 0) {
    const y = ctx.node.outputs[0]!;
    const rank = ctx.shape(y)?.length;
    if (rank === undefined) return;
    const columns = ctx.fresh(ctx.shape(table)![1] as number);
    ctx.cut({ initializer: table, axis: 1, role: "out" }, columns, { value: y, axis: rank - 1 });
    ctx.track(0, rank - 1, columns);
    ctx.site({ value: y, axis: rank - 1, positions: columns, kind: "output" });
    return;
  }
  if (!axes) return;
  const rank = ctx.shape(x)?.length;
  const indicesRank = ctx.shape(ctx.node.inputs[1]!)?.length;
  if (rank === undefined || indicesRank === undefined) return ctx.unmappable("gathers with an unknown rank");
  const along = normalizeAxis(attrInt(ctx.node, "axis", 0), rank);
  for (const [axis, positions] of axes) {
    if (axis === along) return ctx.unmappable("picks channels by index");
    ctx.track(0, axis < along ? axis : axis - 1 + indicesRank, positions);
  }
};
