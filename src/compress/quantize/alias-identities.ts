// PyTorch's exporter stores a weight shared by cloned layers once and hands it
// to the other layers through Identity nodes. Reading through those Identities
// lets a quantize pass see the weight where it is used (and store it once).
import { GraphEdit } from "../../graph/edit.js";
import type { Graph } from "../../graph/types.js";

/** `graph` with every Identity of an initializer removed and its readers reading the initializer. */
export function aliasIdentities(graph: Graph): Graph {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const aliases = graph.nodes.filter((n) => n.opType === "Identity" && graph.initializers.has(n.inputs[0] ?? "") && !outputs.has(n.outputs[0]!));
  if (aliases.length === 0) return graph;
  const edit = new GraphEdit(graph);
  for (const node of aliases) edit.removeNode(node.name, { [node.outputs[0]!]: node.inputs[0]! });
  return edit.finish();
}
