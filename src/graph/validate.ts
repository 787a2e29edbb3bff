// Structural checks on a Graph. Runs after every compression pass in tests, so
// a pass that breaks a graph fails where it happened. Every problem is listed
// at once: fixing one and rerunning to find the next wastes the user's time.
import { GraphError } from "../core/errors.js";
import { numElements } from "./tensor.js";
import { nodeDependencies } from "./topo.js";
import type { Graph } from "./types.js";

/** Every structural problem in `graph`, as one human-readable line each. */
export function graphProblems(graph: Graph): string[] {
  const problems: string[] = [];
  const producedBy = new Map<string, string>(); // value → "graph input" | "initializer" | node name
  const declare = (value: string, by: string): void => {
    const earlier = producedBy.get(value);
    if (earlier !== undefined) problems.push(`value "${value}" is produced twice: by ${earlier} and by ${by}`);
    else producedBy.set(value, by);
  };

  for (const input of graph.inputs) declare(input.name, "graph input");
  for (const [name, tensor] of graph.initializers) {
    declare(name, "initializer");
    const badDim = tensor.dims.find((d) => !Number.isInteger(d) || d < 0);
    if (badDim !== undefined) {
      problems.push(`initializer "${name}" has invalid dimension ${badDim} in [${tensor.dims.join(", ")}]`);
    } else if (tensor.data.length !== numElements(tensor.dims)) {
      problems.push(
        `initializer "${name}" has dims [${tensor.dims.join(", ")}] (${numElements(tensor.dims)} elements) but holds ${tensor.data.length} ${tensor.dtype} elements`,
      );
    }
  }

  // Where each value will eventually be produced, to tell "produced later" from "never produced".
  const laterProducer = new Map<string, string>();
  for (const node of graph.nodes) for (const out of node.outputs) if (out !== "") laterProducer.set(out, node.name);

  const seenNodeNames = new Set<string>();
  for (const node of graph.nodes) {
    const label = `node "${node.name}"${node.opType ? ` (${node.opType})` : ""}`;
    if (node.opType.trim() === "") problems.push(`node "${node.name}" has an empty op type`);
    if (seenNodeNames.has(node.name)) problems.push(`node name "${node.name}" is used by more than one node`);
    seenNodeNames.add(node.name);
    for (const name of new Set(nodeDependencies(node))) {
      if (producedBy.has(name)) continue;
      const later = laterProducer.get(name);
      problems.push(
        later !== undefined
          ? `${label} reads "${name}" before node "${later}" produces it: nodes are not in topological order`
          : `${label} reads "${name}", which is neither a graph input, an initializer nor any node's output`,
      );
    }
    for (const out of node.outputs) if (out !== "") declare(out, label);
  }

  const seenOutputs = new Set<string>();
  for (const output of graph.outputs) {
    if (seenOutputs.has(output.name)) problems.push(`graph output "${output.name}" is listed twice`);
    seenOutputs.add(output.name);
    if (!producedBy.has(output.name)) problems.push(`graph output "${output.name}" is never produced`);
  }
  return problems;
}

/** Throws a GraphError listing every structural problem; returns quietly when there is none. */
export function validateGraph(graph: Graph): void {
  const problems = graphProblems(graph);
  if (problems.length === 0) return;
  throw new GraphError(
    `graph "${graph.name}" is invalid (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n` +
      problems.map((p) => `  - ${p}`).join("\n") +
      `\nThe step that produced this graph is at fault; rebuild it, or run topologicalSort() if only the order is wrong.`,
    { details: { problems } },
  );
}
