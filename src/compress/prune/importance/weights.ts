// Importance from the weights alone.
//   l1: Σ|w| of each unit's output filters (and their biases) — Li et al. 2017,
//       "Pruning Filters for Efficient ConvNets"; units made of several
//       channels (coupled layers, a shuffle's column) add their filters up;
//   l2: the same with √Σw²;
//   bn-scale: |γ| of the BatchNormalization after the channel (Liu et al.
//       2017, "Network Slimming"); units with no BatchNorm get no score.
import type { Analysis } from "../dependency/analyze.js";
import type { UnitId } from "../dependency/types.js";
import { addToUnits, floatValues, indexSums } from "./sums.js";

export function weightNormScores(analysis: Analysis, norm: "l1" | "l2"): Map<UnitId, number> {
  const scores = new Map<UnitId, number>();
  const f = norm === "l1" ? Math.abs : (v: number) => v * v;
  for (const d of analysis.dependencies) {
    if (d.handler.role !== "out") continue;
    const t = analysis.graph.initializers.get(d.handler.initializer)!;
    addToUnits(scores, analysis.units, d.indexMapping, indexSums(floatValues(t), t.dims, d.handler.axis, f));
  }
  if (norm === "l2") for (const [u, s] of scores) scores.set(u, Math.sqrt(s));
  return scores;
}

export function bnScaleScores(analysis: Analysis): Map<UnitId, number> {
  const scores = new Map<UnitId, number>();
  for (const d of analysis.dependencies) {
    if (!d.handler.scale) continue;
    const t = analysis.graph.initializers.get(d.handler.initializer)!;
    addToUnits(scores, analysis.units, d.indexMapping, indexSums(floatValues(t), t.dims, d.handler.axis, Math.abs));
  }
  return scores;
}
