// Normalization layers whose parameters the exporter keeps as node inputs:
// BatchNormalization (γ, β, running mean, running variance), LayerNormalization
// and InstanceNormalization (γ, β).
import type { Node } from "../../../graph/types.js";
import type { Module } from "../modules.js";
import type { Assignment, MapContext, Match, NodeRule } from "./types.js";

function normRule(opType: string, leaves: readonly string[]): NodeRule {
  return {
    opTypes: [opType],
    map(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
      const slots = leaves.map((_, i) => ctx.pending(node, i + 1));
      if (slots.every((s) => s === undefined)) return undefined;
      for (const module of candidates) {
        const assignments: Assignment[] = [];
        const fits = leaves.every((leaf, i) => {
          const slot = slots[i];
          if (!slot) return true;
          const t = ctx.modules.free(module, leaf);
          if (!t || t.data.length !== slot.tensor.data.length) return false;
          assignments.push({ slot: slot.name, value: { ...t, dims: slot.tensor.dims }, keys: [module.keys.get(leaf)!] });
          return true;
        });
        if (fits) return { module, leaf: leaves[0]!, assignments };
      }
      return undefined;
    },
  };
}

export const NORM_RULES: readonly NodeRule[] = [
  normRule("BatchNormalization", ["weight", "bias", "running_mean", "running_var"]),
  normRule("LayerNormalization", ["weight", "bias"]),
  normRule("InstanceNormalization", ["weight", "bias"]),
];
