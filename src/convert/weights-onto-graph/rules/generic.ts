// Any other float initializer (Embedding's Gather table, PRelu slopes, a
// learned position tensor, decomposed norms' Mul/Add): the first unused
// parameter of a candidate module with the same number of elements and the same
// dims once size-1 axes are dropped (PRelu's [C] is exported as [C, 1, 1]).
import type { Node } from "../../../graph/types.js";
import type { Module } from "../modules.js";
import type { MapContext, Match, NodeRule } from "./types.js";

const squeezed = (dims: readonly number[]) => dims.filter((d) => d !== 1).join(",");

function mapAny(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const input = node.inputs.findIndex((_, i) => ctx.pending(node, i) !== undefined);
  if (input < 0) return undefined;
  const slot = ctx.pending(node, input)!;
  for (const module of candidates) {
    for (const [leaf, key] of module.keys) {
      const t = ctx.modules.free(module, leaf);
      if (!t || t.dtype !== "float32" || squeezed(t.dims) !== squeezed(slot.tensor.dims) || t.data.length !== slot.tensor.data.length) continue;
      const reshaped = t.dims.join(",") !== slot.tensor.dims.join(",");
      return { module, leaf, assignments: [{ slot: slot.name, value: { ...t, dims: slot.tensor.dims }, keys: [key], ...(reshaped ? { note: `reshaped [${t.dims.join(", ")}] → [${slot.tensor.dims.join(", ")}]` } : {}) }] };
    }
  }
  return undefined;
}

/** Used for every op without its own rule, and after a specific rule found nothing. */
export const GENERIC_RULE: NodeRule = { opTypes: [], map: mapAny };
