// Exposing intermediate tensors as graph outputs (feature distillation,
// activation statistics) and removing what no output needs.
import { GraphError } from "../core/errors.js";
import { inferShapesWithReport } from "./shape-inference/index.js";
import { producers, nodeDependencies } from "./topo.js";
import type { Graph, Node, ValueInfo } from "./types.js";

/**
 * The graph with `names` added as extra outputs (after the existing ones,
 * in the order given; names already outputs are kept once). Every name that
 * is not a value of the graph is listed in one GraphError.
 */
export function withOutputs(graph: Graph, names: readonly string[]): Graph {
  const made = producers(graph);
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const missing = names.filter((n) => !made.has(n) && !inputNames.has(n) && !graph.initializers.has(n));
  if (missing.length > 0) {
    const examples = [...made.keys()].slice(0, 8).map((n) => `"${n}"`).join(", ");
    throw new GraphError(
      `graph "${graph.name}" has no value${missing.length > 1 ? "s" : ""} named ${missing.map((n) => `"${n}"`).join(", ")}. ` +
        `Pick node outputs (e.g. ${examples}${made.size > 8 ? ", …" : ""}); summarize(graph).layers lists the layers.`,
      { details: { missing } },
    );
  }
  const existing = new Set(graph.outputs.map((o) => o.name));
  const added = [...new Set(names)].filter((n) => !existing.has(n));
  if (added.length === 0) return graph;
  const typed = inferShapesWithReport(graph).graph;
  const inputInfo = new Map(graph.inputs.map((i) => [i.name, i]));
  const infoOf = (name: string): ValueInfo => {
    const known = typed.valueInfo.get(name) ?? inputInfo.get(name);
    if (known) return known;
    const t = graph.initializers.get(name);
    if (t) return { name, dtype: t.dtype, shape: t.dims };
    throw new GraphError(
      `graph "${graph.name}": the type of "${name}" cannot be inferred (its producer is an op without a shape rule), so it cannot become an output`,
      { details: { name } },
    );
  };
  return { ...graph, outputs: [...graph.outputs, ...added.map(infoOf)] };
}

/** The graph without nodes, initializers and valueInfo that no graph output depends on. Inputs are kept. */
export function pruneUnused(graph: Graph): Graph {
  const made = producers(graph);
  const needed = new Set<string>();
  const keep = new Set<Node>();
  const stack = graph.outputs.map((o) => o.name);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    const node = made.get(name);
    if (node && !keep.has(node)) {
      keep.add(node);
      stack.push(...nodeDependencies(node));
    }
  }
  const nodes = graph.nodes.filter((n) => keep.has(n));
  const initializers = new Map([...graph.initializers].filter(([name]) => needed.has(name)));
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const valueInfo = new Map([...graph.valueInfo].filter(([name]) => produced.has(name)));
  if (nodes.length === graph.nodes.length && initializers.size === graph.initializers.size && valueInfo.size === graph.valueInfo.size) return graph;
  return { ...graph, nodes, initializers, valueInfo };
}
