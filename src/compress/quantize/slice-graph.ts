// A piece of a graph as a graph of its own: the nodes that compute `outputs`
// from `inputs` (which become the piece's inputs), with the initializers they
// read. The latency choice times single layers this way, in the form they take
// inside the whole quantized model.
import { GraphError } from "../../core/errors.js";
import { producers, nodeDependencies } from "../../graph/topo.js";
import type { Graph, Node, Tensor, ValueInfo } from "../../graph/types.js";

export function sliceGraph(graph: Graph, inputs: readonly string[], outputs: readonly string[], name: string): Graph {
  const made = producers(graph);
  const stop = new Set(inputs);
  const keep = new Set<Node>();
  const initializers = new Map<string, Tensor>();
  const stack = [...outputs];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (seen.has(value) || stop.has(value) || value === "") continue;
    seen.add(value);
    const init = graph.initializers.get(value);
    if (init) {
      initializers.set(value, init);
      continue;
    }
    const node = made.get(value);
    if (!node) throw new GraphError(`slice "${name}": "${value}" is neither computed from [${inputs.join(", ")}] nor a constant`);
    if (!keep.has(node)) {
      keep.add(node);
      stack.push(...nodeDependencies(node));
    }
  }
  const info = (v: string): ValueInfo => {
    const known = graph.valueInfo.get(v) ?? graph.inputs.find((i) => i.name === v) ?? graph.outputs.find((o) => o.name === v);
    if (!known) throw new GraphError(`slice "${name}": the type of "${v}" is unknown (run shape inference first)`);
    return { name: v, dtype: known.dtype, ...(known.shape ? { shape: known.shape } : {}) };
  };
  return {
    ...graph,
    name,
    nodes: graph.nodes.filter((n) => keep.has(n)),
    inputs: inputs.map(info),
    outputs: outputs.map(info),
    initializers,
    valueInfo: new Map(),
  };
}
