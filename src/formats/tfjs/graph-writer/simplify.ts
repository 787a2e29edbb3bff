// Clean-up after conversion: drop nodes no output needs (placeholders stay:
// they are the model's signature) and the weights of dropped Const nodes.
import type { TfNodeDef } from "../model-json.js";
import type { NamedWeight } from "../weights.js";

const nodeOf = (ref: string) => ref.replace(/^\^/, "").split(":")[0]!;

export function simplify(nodes: readonly TfNodeDef[], weights: readonly NamedWeight[], outputs: readonly string[]): { nodes: TfNodeDef[]; weights: NamedWeight[] } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const live = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (live.has(name)) continue;
    live.add(name);
    for (const input of byName.get(name)?.input ?? []) stack.push(nodeOf(input));
  }
  const kept = nodes.filter((n) => live.has(n.name) || n.op === "Placeholder");
  const keptNames = new Set(kept.map((n) => n.name));
  return { nodes: kept, weights: weights.filter((w) => keptNames.has(w.name)) };
}
