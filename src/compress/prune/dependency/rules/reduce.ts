// Reductions. Over an axis that carries channels they consume them (the
// mean of a decomposed LayerNorm, a channel sum): the output has no channels
// there, and cutting one leaves the others' reduction over fewer terms.
// Over other axes channels pass through, renumbered when keepdims is 0.
// ArgMax/ArgMin over channels return a channel index: not mapped.
import type { ChannelRule } from "../types.js";
import { axesOf, intAttr, normalizeAxis } from "./helpers.js";

/** When each Reduce op took its axes as an input instead of an attribute. */
const AXES_INPUT_SINCE: Readonly<Record<string, number>> = { ReduceSum: 13 };

export const reduce: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return;
  const rank = ctx.shape(x)?.length;
  if (rank === undefined) return ctx.unmappable("reduces an input of unknown rank");
  const given = axesOf(ctx, AXES_INPUT_SINCE[ctx.node.opType] ?? 18);
  if (given === null) return ctx.unmappable("reduces over axes computed at run time");
  const noop = intAttr(ctx.node, "noop_with_empty_axes", 0) === 1;
  if ((given === undefined || given.length === 0) && noop) {
    for (const [axis, positions] of axes) ctx.track(0, axis, positions);
    return;
  }
  const reduced = new Set((given === undefined || given.length === 0 ? [...Array(rank).keys()] : given).map((a) => normalizeAxis(a, rank)));
  const keep = intAttr(ctx.node, "keepdims", 1) === 1;
  for (const [axis, positions] of axes) {
    if (reduced.has(axis)) continue;
    ctx.track(0, keep ? axis : axis - [...reduced].filter((r) => r < axis).length, positions);
  }
};

export const argReduce: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  const rank = ctx.shape(x)?.length;
  if (!axes) return;
  if (rank === undefined) return ctx.unmappable("reduces an input of unknown rank");
  const axis = normalizeAxis(intAttr(ctx.node, "axis", 0), rank);
  if (axes.has(axis)) return ctx.unmappable("returns the index of a channel");
  const keep = intAttr(ctx.node, "keepdims", 1) === 1;
  for (const [a, positions] of axes) ctx.track(0, keep || a < axis ? a : a - 1, positions);
};
