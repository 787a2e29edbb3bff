// Traversal: who produces and who consumes each value, and a stable
// topological order. Nodes with subgraphs (If, Loop, Scan) also depend on the
// outer values their subgraphs capture, so those count as inputs here.
import { GraphError } from "../core/errors.js";
import type { Graph, Node } from "./types.js";

/** Outer-scope value names a subgraph reads without producing or declaring them. */
function capturedNames(sub: Graph): string[] {
  const local = new Set<string>([...sub.inputs.map((v) => v.name), ...sub.initializers.keys()]);
  const captured: string[] = [];
  for (const node of sub.nodes) {
    for (const name of nodeDependencies(node)) {
      if (!local.has(name)) captured.push(name);
    }
    for (const out of node.outputs) if (out !== "") local.add(out);
  }
  return captured;
}

/**
 * Every value a node needs before it can run: its non-empty inputs plus
 * whatever its subgraph attributes capture from the enclosing graph.
 */
export function nodeDependencies(node: Node): string[] {
  const names = node.inputs.filter((name) => name !== "");
  for (const attr of Object.values(node.attributes)) {
    if (attr.type === "graph") names.push(...capturedNames(attr.value));
    else if (attr.type === "graphs") for (const g of attr.value) names.push(...capturedNames(g));
  }
  return names;
}

/** The node producing each value (the first one, if a broken graph has two). */
export function producers(graph: Graph): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const node of graph.nodes) {
    for (const out of node.outputs) if (out !== "" && !map.has(out)) map.set(out, node);
  }
  return map;
}

/** The nodes reading each value, in graph order, each node once per value. */
export function consumers(graph: Graph): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const name of new Set(nodeDependencies(node))) {
      const list = map.get(name);
      if (list) list.push(node);
      else map.set(name, [node]);
    }
  }
  return map;
}

/**
 * Nodes reordered so every node comes after the producers of its inputs.
 * Stable: a graph already in order comes back in the same order, and
 * otherwise nodes move only as far as their dependencies require (a
 * depth-first walk in original order). A cycle is a GraphError naming its nodes.
 */
export function topologicalSort(graph: Graph): Graph {
  const producer = producers(graph);
  const state = new Map<Node, "visiting" | "done">();
  const order: Node[] = [];
  for (const root of graph.nodes) {
    if (state.has(root)) continue;
    // Iterative DFS: deep chains (thousands of nodes) must not overflow the stack.
    const stack: { node: Node; deps: Node[]; next: number }[] = [];
    const enter = (node: Node): void => {
      state.set(node, "visiting");
      const deps = nodeDependencies(node)
        .map((name) => producer.get(name))
        .filter((p): p is Node => p !== undefined);
      stack.push({ node, deps, next: 0 });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++];
        const s = state.get(dep);
        if (s === "visiting") {
          const start = stack.findIndex((f) => f.node === dep);
          const cycle = stack.slice(start).map((f) => f.node.name);
          throw new GraphError(
            `graph "${graph.name}" has a cycle through nodes ${cycle.map((n) => `"${n}"`).join(" → ")} → "${dep.name}". ` +
              `A node's output feeds back into its own inputs; only Loop/Scan subgraphs may carry values around.`,
            { node: dep.name, op: dep.opType, details: { cycle } },
          );
        }
        if (s === undefined) enter(dep);
      } else {
        state.set(top.node, "done");
        order.push(top.node);
        stack.pop();
      }
    }
  }
  const unchanged = order.every((node, i) => node === graph.nodes[i]);
  return unchanged ? graph : { ...graph, nodes: order };
}
