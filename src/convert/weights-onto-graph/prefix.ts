// Checkpoints often nest the state_dict ({"model": sd, "optimizer": …}, or
// DataParallel's "module." keys). The prefix that makes the most keys line up
// with the graph's initializer names and node scopes is stripped; keys outside
// it are not part of the model and are reported as ignored.
import type { Graph, Tensor } from "../../graph/types.js";
import { StateDictModules } from "./modules.js";

export interface PrefixChoice {
  readonly prefix: string;
  readonly weights: Map<string, Tensor>;
  /** Keys outside the prefix. */
  readonly outside: string[];
}

function candidatePrefixes(keys: readonly string[]): string[] {
  const found = new Set<string>([""]);
  for (const key of keys) {
    const parts = key.split(".");
    for (let n = 1; n < Math.min(parts.length, 3); n++) found.add(`${parts.slice(0, n).join(".")}.`);
  }
  return [...found];
}

function strip(weights: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, t] of weights) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), t);
  return out;
}

function score(graph: Graph, weights: Map<string, Tensor>): number {
  const modules = new StateDictModules(weights);
  const byName = [...graph.initializers.keys()].filter((n) => weights.has(n)).length;
  const byScope = graph.nodes.filter((n) => modules.scopesOf(n.name).length > 0).length;
  return byName + byScope;
}

export function choosePrefix(graph: Graph, weights: ReadonlyMap<string, Tensor>, forced?: string): PrefixChoice {
  const keys = [...weights.keys()];
  let prefix = forced ?? "";
  if (forced === undefined) {
    let best = score(graph, new Map(weights));
    for (const p of candidatePrefixes(keys)) {
      const s = p === "" ? best : score(graph, strip(weights, p));
      if (s > best) [best, prefix] = [s, p];
    }
  }
  return { prefix, weights: strip(weights, prefix), outside: keys.filter((k) => !k.startsWith(prefix)) };
}
