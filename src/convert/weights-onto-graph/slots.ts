// Weight slots: one initializer per place a weight goes. PyTorch's exporter
// deduplicates initializers with equal values (a freshly initialized model has
// many: zero biases, unit norms, the cloned layers of nn.TransformerEncoder)
// and keeps each duplicate's name as an Identity of the first one. Loaded
// weights differ, so each Identity becomes its own initializer again under
// its own name, and an unnamed initializer read by several weight inputs is
// split into one copy per reader.
import { editGraph } from "../../graph/edit.js";
import type { Graph } from "../../graph/types.js";

export function separateWeightSlots(graph: Graph, isNamed: (name: string) => boolean): Graph {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  return editGraph(graph, (edit) => {
    const values = new Map(graph.initializers);
    for (const node of graph.nodes) {
      const source = node.opType === "Identity" ? values.get(node.inputs[0]!) : undefined;
      if (source === undefined || outputs.has(node.outputs[0]!)) continue;
      // The Identity's output keeps its name and its readers; an initializer now holds it.
      edit.removeNode(node.name, { [node.outputs[0]!]: node.outputs[0]! });
      edit.setInitializer(node.outputs[0]!, source);
      values.set(node.outputs[0]!, source);
    }
    for (const [name, tensor] of graph.initializers) {
      if (isNamed(name) || tensor.dtype !== "float32") continue;
      const readers = edit.consumersOf(name);
      for (const reader of readers.slice(1)) {
        const copy = edit.addInitializer(`${name}_${reader.name.replace(/[^A-Za-z0-9_]/g, "_")}`, tensor);
        edit.updateNode(reader.name, { inputs: reader.inputs.map((i) => (i === name ? copy : i)) });
      }
    }
  }, { pruneUnused: false });
}
