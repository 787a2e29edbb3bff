// Constant nodes as initializers, so rules find weights, Clip bounds and shape
// targets in one place whatever the exporter chose. Only `value` constants
// move; the other forms (value_float, sparse_value…) stay nodes.
import type { Graph } from "../../../graph/types.js";

export function constantsAsInitializers(graph: Graph): Graph {
  const moved = graph.nodes.filter((n) => n.opType === "Constant" && n.domain === "" && n.attributes.value?.type === "tensor" && n.outputs[0]);
  if (moved.length === 0) return graph;
  const initializers = new Map(graph.initializers);
  for (const node of moved) {
    const attr = node.attributes.value!;
    if (attr.type === "tensor") initializers.set(node.outputs[0]!, attr.value);
  }
  const gone = new Set(moved);
  return { ...graph, nodes: graph.nodes.filter((n) => !gone.has(n)), initializers };
}
