// Planning: which nodes a call runs, in graph order. A graph runs in order,
// so every value must be produced before it is read (checked once, at
// compile time, listing every dangling value). A call runs only the nodes
// its wanted outputs need and the fold for its input shapes did not fold;
// the plan for the graph outputs is kept per fold.
import { GraphError } from "../../core/errors.js";
import type { Graph, Node } from "../../graph/types.js";
import type { FoldedConstants } from "./constants.js";

/** Throws one GraphError listing every value read before anything produces it. */
export function checkStructure(graph: Graph): void {
  const known = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  const problems: string[] = [];
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input !== "" && !known.has(input)) problems.push(`node "${node.name}" (${node.opType}) reads "${input}", which nothing before it produces`);
    }
    for (const o of node.outputs) if (o !== "") known.add(o);
  }
  for (const o of graph.outputs) if (!known.has(o.name)) problems.push(`graph output "${o.name}" is never produced`);
  if (problems.length > 0) {
    throw new GraphError(`graph "${graph.name}" cannot run: ${problems.length} dangling value${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}`, {
      details: { problems },
    });
  }
}

export class Planner {
  private readonly producer = new Map<string, Node>();
  private readonly indexOf: ReadonlyMap<Node, number>;
  private readonly outputNames: readonly string[];
  /** Plans for the graph outputs, per fold (a fold lives as long as its cache entry). */
  private readonly defaultPlans = new WeakMap<FoldedConstants, Node[]>();

  constructor(private readonly graph: Graph) {
    for (const node of graph.nodes) for (const o of node.outputs) if (o) this.producer.set(o, node);
    this.indexOf = new Map(graph.nodes.map((n, i) => [n, i]));
    this.outputNames = graph.outputs.map((v) => v.name);
  }

  /** The node's position in the graph (its entry, attributes and opset are indexed by it). */
  index(node: Node): number {
    return this.indexOf.get(node)!;
  }

  /** Nodes to run for `wanted` (default: the graph outputs) under `folded`, in graph order. */
  nodesFor(wanted: readonly string[] | undefined, folded: FoldedConstants): Node[] {
    if (wanted !== undefined) return this.plan(wanted, folded);
    let nodes = this.defaultPlans.get(folded);
    if (!nodes) {
      nodes = this.plan(this.outputNames, folded);
      this.defaultPlans.set(folded, nodes);
    }
    return nodes;
  }

  private plan(wanted: readonly string[], folded: FoldedConstants): Node[] {
    const need = new Set<Node>();
    const stack = [...wanted];
    const seen = new Set<string>();
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const node = this.producer.get(name);
      if (!node || need.has(node) || folded.foldedNodes.has(node.name)) continue;
      need.add(node);
      stack.push(...node.inputs.filter((i) => i));
    }
    return this.graph.nodes.filter((n) => need.has(n));
  }
}
