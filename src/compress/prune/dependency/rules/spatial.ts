// Ops that work on spatial axes and leave channels alone: pools, Pad,
// Resize/Upsample, Expand and Tile. Each passes channels through when it
// does not touch the channel axis, and pins them (naming itself) when it does.
import type { ChannelRule, RuleContext } from "../types.js";
import { int64Tensor, numbersOf, passThrough } from "./helpers.js";

/** Pools read channel axis 1 alone: channels anywhere else are not mapped. */
export const pool: ChannelRule = (ctx) => {
  const axes = ctx.tracked(ctx.node.inputs[0]!);
  if (!axes) return;
  if ([...axes.keys()].some((a) => a !== 1)) return ctx.unmappable("pools over an axis that carries channels");
  if (ctx.node.outputs[1]) return ctx.unmappable("returns indices that encode channel positions");
  passThrough(ctx);
};

/** Channels pass when the per-axis numbers (pads, scales, repeats) leave the tracked axes as they are. */
function leavesTrackedAxes(ctx: RuleContext, perAxis: readonly number[] | undefined, neutral: (values: readonly number[], axis: number, rank: number) => boolean, what: string): void {
  const axes = ctx.tracked(ctx.node.inputs[0]!);
  if (!axes) return;
  const rank = ctx.shape(ctx.node.inputs[0]!)?.length;
  if (!perAxis || rank === undefined) return ctx.unmappable(`has ${what} compactor cannot read`);
  for (const axis of axes.keys()) if (!neutral(perAxis, axis, rank)) return ctx.unmappable(`changes the size of the channel axis (${what})`);
  passThrough(ctx);
}

export const pad: ChannelRule = (ctx) => {
  const pads = ctx.opset < 11 ? (ctx.node.attributes.pads?.type === "ints" ? [...ctx.node.attributes.pads.value] : undefined) : numbersOf(ctx, ctx.node.inputs[1]);
  const axesInput = ctx.opset >= 18 ? ctx.node.inputs[3] : undefined;
  const padAxes = axesInput ? numbersOf(ctx, axesInput) : undefined;
  if (axesInput && !padAxes) return ctx.unmappable("has pad axes computed at run time");
  leavesTrackedAxes(ctx, pads, (p, axis, rank) => {
    const list = padAxes ? padAxes.map((a) => (a < 0 ? a + rank : a)) : [...Array(rank).keys()];
    const i = list.indexOf(axis);
    return i < 0 || (p[i] === 0 && p[i + list.length] === 0);
  }, "pads");
};

export const resize: ChannelRule = (ctx) => {
  const scalesInput = ctx.node.opType === "Upsample" ? ctx.node.inputs[1] : ctx.node.inputs[2];
  const sizesInput = ctx.node.opType === "Resize" ? ctx.node.inputs[3] : undefined;
  const scales = numbersOf(ctx, scalesInput);
  if (scales && scales.length > 0) return leavesTrackedAxes(ctx, scales, (s, axis) => s[axis] === 1, "scales");
  const sizes = numbersOf(ctx, sizesInput);
  if (!sizes || !sizesInput) return leavesTrackedAxes(ctx, undefined, () => false, "scales or sizes");
  // Sizes spell out the channel count: rewritten to the count that is kept.
  const axes = ctx.tracked(ctx.node.inputs[0]!);
  if (!axes) return;
  const name = ctx.node.name;
  ctx.rewrite((kept, edit) => {
    const next = sizes.slice();
    for (const [axis, positions] of axes) next[axis] = kept.kept(positions).length;
    const node = edit.node(name);
    const inputs = [...node.inputs];
    inputs[3] = edit.addInitializer(`${name}_sizes`, int64Tensor(next));
    edit.updateNode(name, { inputs });
  });
  passThrough(ctx);
};

export const tile: ChannelRule = (ctx) => leavesTrackedAxes(ctx, numbersOf(ctx, ctx.node.inputs[1]), (r, axis) => r[axis] === 1, "repeats");

/** Expand: the target may spell out the channel count (rewritten to 1, which keeps the cut size), or be 1 there. */
export const expandOp: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const axes = ctx.tracked(x);
  if (!axes) return;
  const target = ctx.value(ctx.node.inputs[1]!);
  const outRank = ctx.shape(ctx.node.outputs[0]!)?.length;
  const inRank = ctx.shape(x)?.length;
  if (!target || outRank === undefined || inRank === undefined) return ctx.unmappable("has a target shape compactor cannot read");
  const offset = outRank - target.length;
  const spelled: number[] = [];
  for (const [axis, positions] of axes) {
    const element = target[axis + (outRank - inRank) - offset];
    if (element === 1) continue;
    if (element !== positions.length || !target.every((d) => typeof d === "number")) return ctx.unmappable("expands the channel axis");
    spelled.push(axis + (outRank - inRank) - offset);
  }
  if (spelled.length > 0) {
    const name = ctx.node.name;
    ctx.rewrite((_kept, edit) => {
      const next = (target as number[]).slice();
      for (const i of spelled) next[i] = 1;
      const node = edit.node(name);
      edit.updateNode(name, { inputs: [node.inputs[0]!, edit.addInitializer(`${name}_shape`, int64Tensor(next))] });
    });
  }
  for (const [axis, positions] of axes) ctx.track(0, axis + (outRank - inRank), positions);
};
