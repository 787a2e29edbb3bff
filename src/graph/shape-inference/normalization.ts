// BatchNormalization and LayerNormalization (their extra statistics outputs too).
import { attrInt } from "../attributes.js";
import type { Dim } from "../types.js";
import { normalizeAxis } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function batchNorm(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const channels = x?.[1];
  for (const i of [1, 2, 3, 4]) {
    const p = ctx.shape(i);
    if (typeof channels === "number" && p?.length === 1 && typeof p[0] === "number" && p[0] !== channels) {
      ctx.problem(`input has ${channels} channels but input ${i} holds ${p[0]} values`);
    }
  }
  // Outputs after Y (running/saved mean and variance) are per channel.
  const perChannel: ValueFacts = { dtype: ctx.dtype(1) ?? dtype, shape: x && x.length >= 2 ? [x[1]] : ctx.shape(1) };
  return [{ dtype, shape: x }, perChannel, perChannel, perChannel, perChannel];
}

function layerNorm(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const stashType = attrInt(ctx.node, "stash_type", 1) === 1 ? "float32" : dtype;
  if (x === undefined) return [{ dtype }, { dtype: stashType }, { dtype: stashType }];
  const axis = normalizeAxis(attrInt(ctx.node, "axis", -1), x.length);
  if (axis === undefined) {
    ctx.problem(`axis ${attrInt(ctx.node, "axis", -1)} is out of range for rank ${x.length}`);
    return [{ dtype, shape: x }];
  }
  // Mean and InvStdDev keep the leading dims and reduce the normalized ones to 1.
  const stats: Dim[] = x.map((d, i) => (i < axis ? d : 1));
  return [{ dtype, shape: x }, { dtype: stashType, shape: stats }, { dtype: stashType, shape: stats }];
}

export const normalizationRules: readonly ShapeRule[] = [
  { opType: "BatchNormalization", since: 1, infer: batchNorm },
  { opType: "LayerNormalization", since: 17, infer: layerNorm },
];
