// Split (split sizes as an attribute before opset 13, as an input from 13,
// num_outputs from 18) and Concat. Concat is layout-agnostic: its inputs share
// one rank, so the compiler may hand them over channels-last and the axis is
// remapped instead of transposing back to ONNX layout.
import { tf } from "../tf.js";
import { intsOf, layoutAxis, normalizeAxis, required, shapeError } from "./args.js";
import { sliceRows } from "./slice-rows.js";
import { Concat, Split } from "../../../graph/ops/split.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

function splitSizes(dim: number, sizes: readonly number[] | undefined, parts: number, unevenLast: boolean, ctx: OpContext): number[] {
  if (sizes !== undefined) {
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== dim || sizes.some((s) => s < 0)) {
      throw shapeError(ctx, `split sizes [${sizes.join(", ")}] must be non-negative and sum to the axis size ${dim}`);
    }
    return [...sizes];
  }
  if (dim % parts === 0) return Array.from({ length: parts }, () => dim / parts);
  if (!unevenLast) throw shapeError(ctx, `axis size ${dim} does not split evenly into ${parts} outputs; give split sizes`);
  // Opset 18: every chunk ceil(dim / parts) long, the last one shorter.
  const chunk = Math.ceil(dim / parts);
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
}

function split(x: tf.Tensor, axisAttr: number, sizes: readonly number[] | undefined, parts: number, unevenLast: boolean, ctx: OpContext): tf.Tensor[] {
  const axis = normalizeAxis(axisAttr, x.rank, ctx);
  const pieces = splitSizes(x.shape[axis] as number, sizes, parts, unevenLast, ctx);
  if (pieces.length !== ctx.node.outputs.length) {
    throw shapeError(ctx, `split gives ${pieces.length} pieces but the node has ${ctx.node.outputs.length} outputs`);
  }
  // Each piece as one slice on merged dims (slice-rows.ts): tfjs's SplitV slices row by row.
  let start = 0;
  return pieces.map((n) => {
    const begin = x.shape.map((_, i) => (i === axis ? start : 0));
    start += n;
    return sliceRows(x, begin, x.shape.map((d, i) => (i === axis ? n : d)));
  });
}

const split2 = implement(Split[2], {
  run: (inputs, attrs, ctx) =>
    split(required(inputs, 0, ctx, "input"), attrs.axis, attrs.split, ctx.node.outputs.length, false, ctx),
});

const split13 = implement(Split[13], {
  run: (inputs, attrs, ctx) =>
    split(required(inputs, 0, ctx, "input"), attrs.axis, intsOf(inputs, 1, ctx), ctx.node.outputs.length, false, ctx),
});

const split18 = implement(Split[18], {
  run(inputs, attrs, ctx) {
    const sizes = intsOf(inputs, 1, ctx);
    const parts = attrs.num_outputs ?? ctx.node.outputs.length;
    if (sizes !== undefined && attrs.num_outputs !== undefined) {
      throw shapeError(ctx, "give either the split input or the num_outputs attribute, not both");
    }
    return split(required(inputs, 0, ctx, "input"), attrs.axis, sizes, parts, true, ctx);
  },
});

const concat = implement(Concat[4], {
  layout: "elementwise",
  run(inputs, attrs, ctx) {
    const present = inputs.filter((t): t is tf.Tensor => t !== undefined);
    if (present.length === 0) throw shapeError(ctx, "needs at least one input");
    const rank = (present[0] as tf.Tensor).rank;
    if (present.some((t) => t.rank !== rank)) {
      throw shapeError(ctx, `inputs must share one rank, got shapes ${present.map((t) => `[${t.shape.join(", ")}]`).join(", ")}`);
    }
    const axis = layoutAxis(attrs.axis, rank, ctx);
    // tfjs rejects empty operands in some backends; they add nothing anyway.
    const nonEmpty = present.filter((t) => t.size > 0);
    if (nonEmpty.length === 0) return [tf.concat(present, axis)];
    return [nonEmpty.length === 1 ? tf.clone(nonEmpty[0] as tf.Tensor) : tf.concat(nonEmpty, axis)];
  },
});

export const SPLIT_OPS: readonly OpEntry[] = [split2, split13, split18, concat];
