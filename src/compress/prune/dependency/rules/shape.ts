// Ops that move axes: Transpose, Squeeze, Unsqueeze, Flatten and Reshape.
// A Reshape's target is rewritten from the kept channel counts (symbolic
// sizes as 0 — copy the input's — or one −1), so targets computed at run
// time from Shape chains become constants and the chains fall away.
import { attrInt } from "../../../../graph/attributes.js";
import type { Dim } from "../../../../graph/types.js";
import type { ChannelRule, Positions, RuleContext } from "../types.js";
import { axesOf, int64Tensor, normalizeAxis } from "./helpers.js";
import { mapReshape } from "./reshape.js";

export const transpose: ChannelRule = (ctx) => {
  const axes = ctx.tracked(ctx.node.inputs[0]!);
  if (!axes) return;
  const rank = ctx.shape(ctx.node.inputs[0]!)?.length;
  if (rank === undefined) return ctx.unmappable("transposes an input of unknown rank");
  const perm = ctx.node.attributes.perm?.type === "ints" ? ctx.node.attributes.perm.value : [...Array(rank).keys()].reverse();
  perm.forEach((from, to) => {
    const p = axes.get(from);
    if (p) ctx.track(0, to, p);
  });
};

export const unsqueeze: ChannelRule = (ctx) => {
  const axes = ctx.tracked(ctx.node.inputs[0]!);
  if (!axes) return;
  const outRank = ctx.shape(ctx.node.outputs[0]!)?.length;
  const added = axesOf(ctx, 13);
  if (!added || outRank === undefined) return ctx.unmappable("inserts axes compactor cannot read");
  const inserted = new Set(added.map((a) => normalizeAxis(a, outRank)));
  const kept = [...Array(outRank).keys()].filter((a) => !inserted.has(a));
  for (const [axis, positions] of axes) ctx.track(0, kept[axis]!, positions);
};

export const squeeze: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return;
  const shape = ctx.shape(x);
  const given = axesOf(ctx, 13);
  if (!shape || given === null) return ctx.unmappable("removes axes compactor cannot read");
  const removed = new Set(given === undefined ? shape.flatMap((d, i) => (d === 1 ? [i] : [])) : given.map((a) => normalizeAxis(a, shape.length)));
  for (const [axis, positions] of axes) {
    if (removed.has(axis)) return ctx.unmappable("squeezes away an axis that carries channels");
    ctx.track(0, axis - [...removed].filter((r) => r < axis).length, positions);
  }
};

/** Maps every tracked input axis through a reshape to `outDims`; returns the output axes or undefined after pinning. */
function reshapeAxes(ctx: RuleContext, outDims: readonly Dim[] | undefined): Map<number, Positions> | undefined {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x)!;
  const inDims = ctx.shape(x);
  if (!inDims || !outDims) {
    ctx.unmappable("reshapes to a shape compactor cannot infer");
    return undefined;
  }
  const out = new Map<number, Positions>();
  for (const [axis, positions] of axes) {
    const mapped = mapReshape(inDims, outDims, axis, positions);
    if (!mapped || out.has(mapped.axis)) {
      ctx.pin(positions, `node "${ctx.node.name}" (${ctx.node.opType}) reshapes [${inDims.join(", ")}] to [${outDims.join(", ")}], which mixes channel axis ${axis} with others`);
      continue;
    }
    if (mapped.kind === "contains") {
      out.set(mapped.axis, mapped.positions);
      continue;
    }
    // The output axis holds channel k mod width: channels with equal k mod width go together.
    for (let k = mapped.width; k < positions.length; k += mapped.width) ctx.couple(positions.subarray(0, mapped.width), positions.subarray(k, k + mapped.width));
    out.set(mapped.axis, positions.slice(0, mapped.width));
  }
  for (const [axis, positions] of out) ctx.track(0, axis, positions);
  return out;
}

export const flatten: ChannelRule = (ctx) => {
  if (ctx.tracked(ctx.node.inputs[0]!)) reshapeAxes(ctx, ctx.shape(ctx.node.outputs[0]!));
};

/** The target as constants: kept counts on tracked axes, known sizes, 0 or one −1 for symbolic ones; undefined when that cannot be written. */
function targetEncoding(inDims: readonly Dim[], outDims: readonly Dim[], allowZero: boolean): (number | "tracked")[] | undefined {
  let inferred = 0;
  const target: (number | "tracked")[] = [];
  for (let i = 0; i < outDims.length; i++) {
    const d = outDims[i]!;
    if (typeof d === "number") target.push(d);
    else if (d !== null && !allowZero && inDims[i] === d) target.push(0);
    else if (d !== null && inferred++ === 0) target.push(-1);
    else return undefined;
  }
  return target;
}

export const reshape: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  if (!ctx.tracked(x)) return;
  const outDims = ctx.shape(ctx.node.outputs[0]!);
  const inDims = ctx.shape(x);
  const encoding = inDims && outDims ? targetEncoding(inDims, outDims, attrInt(ctx.node, "allowzero", 0) === 1) : undefined;
  if (!encoding) return ctx.unmappable("reshapes to a target with several unknown sizes");
  const out = reshapeAxes(ctx, outDims);
  if (!out) return;
  const name = ctx.node.name;
  ctx.replaces(1);
  ctx.rewrite((kept, edit) => {
    const target = encoding.map((d, i) => (out.has(i) ? kept.kept(out.get(i)!).length : (d as number)));
    const node = edit.node(name);
    edit.updateNode(name, { inputs: [node.inputs[0]!, edit.addInitializer(`${name}_shape`, int64Tensor(target))] });
  });
};
