// Puts an exported graph in the form quantize passes look for: constants as
// initializers and weights read directly, not through Identity.
//  - PyTorch exports Clip's min/max (Relu6) and other small constants as
//    Constant nodes; as initializers they are visible to the passes.
//  - PyTorch stores a weight shared by cloned layers once and hands it to the
//    other layers through Identity nodes; reading through those lets a pass see
//    the weight where it is used (and store it once).
import { GraphEdit } from "../../graph/edit.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { float32 } from "../../graph/tensor.js";

/** A Constant node's value as a tensor (value, value_float, value_floats), or undefined for forms left alone. */
function constantValue(attributes: Graph["nodes"][number]["attributes"]): Tensor | undefined {
  const a = attributes.value ?? attributes.value_float ?? attributes.value_floats;
  if (!a) return undefined;
  if (a.type === "tensor") return a.value;
  if (a.type === "float") return float32([], [a.value]);
  if (a.type === "floats") return float32([a.value.length], a.value);
  return undefined;
}

/** `graph` with Constant nodes (not graph outputs) turned into initializers of the same name. */
export function hoistConstants(graph: Graph): Graph {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const constants = graph.nodes.filter((n) => n.opType === "Constant" && (n.domain === "" || n.domain === "ai.onnx") && !outputs.has(n.outputs[0]!) && constantValue(n.attributes));
  if (constants.length === 0) return graph;
  const edit = new GraphEdit(graph);
  for (const node of constants) {
    edit.removeNode(node.name, { [node.outputs[0]!]: node.outputs[0]! });
    edit.setInitializer(node.outputs[0]!, constantValue(node.attributes)!);
  }
  return edit.finish();
}

/** `graph` with every Identity of an initializer removed and its readers reading the initializer. */
export function aliasIdentities(graph: Graph): Graph {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const aliases = graph.nodes.filter((n) => n.opType === "Identity" && graph.initializers.has(n.inputs[0] ?? "") && !outputs.has(n.outputs[0]!));
  if (aliases.length === 0) return graph;
  const edit = new GraphEdit(graph);
  for (const node of aliases) edit.removeNode(node.name, { [node.outputs[0]!]: node.inputs[0]! });
  return edit.finish();
}

export function prepareGraph(graph: Graph): Graph {
  return aliasIdentities(hoistConstants(graph));
}
