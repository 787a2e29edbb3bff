// Normalizations keep channels where they are and own per-channel parameters
// that go with them: BatchNormalization (scale, bias, running mean and
// variance along axis 1), InstanceNormalization (scale, bias) and
// LayerNormalization (scale and bias over the normalized trailing axes).
import { attrInt } from "../../../../graph/attributes.js";
import type { ChannelRule, Positions, RuleContext } from "../types.js";
import { normalizeAxis, passThrough } from "./helpers.js";

function cutParams(
  ctx: RuleContext,
  inputs: readonly number[],
  axisOf: (input: number) => number,
  positions: Positions,
  trigger: { value: string; axis: number },
  roles: { scale?: number; statistics?: readonly number[] } = {},
): void {
  for (const i of inputs) {
    const name = ctx.node.inputs[i];
    if (!name) continue;
    const init = ctx.initializer(name);
    const flags = { ...(i === roles.scale ? { scale: true } : {}), ...(roles.statistics?.includes(i) ? { statistic: true } : {}) };
    if (init) ctx.cut({ initializer: init, axis: axisOf(i), role: "param", ...flags }, positions, trigger);
    else ctx.pin(positions, `node "${ctx.node.name}" (${ctx.node.opType}) has its input ${i} ("${name}") computed, not an initializer`);
  }
}

/** BatchNormalization and InstanceNormalization: parameters along the channel axis (1). */
function perChannel(params: readonly number[], statistics: readonly number[]): ChannelRule {
  return (ctx) => {
    const x = ctx.node.inputs[0]!;
    const channels = ctx.tracked(x)?.get(1);
    if (channels) cutParams(ctx, params, () => 0, channels, { value: x, axis: 1 }, { scale: 1, statistics });
    passThrough(ctx);
  };
}

export const batchNormalization = perChannel([1, 2, 3, 4], [3, 4]);
export const instanceNormalization = perChannel([1, 2], []);

export const layerNormalization: ChannelRule = (ctx) => {
  const x = ctx.node.inputs[0]!;
  const rank = ctx.shape(x)?.length;
  const axes = ctx.tracked(x);
  if (!axes) return;
  if (rank === undefined) return ctx.unmappable("has an input of unknown rank");
  const first = normalizeAxis(attrInt(ctx.node, "axis", -1), rank);
  for (const [axis, positions] of axes) {
    if (axis >= first) cutParams(ctx, [1, 2], () => axis - first, positions, { value: x, axis });
  }
  passThrough(ctx);
};
