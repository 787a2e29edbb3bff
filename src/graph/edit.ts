// Graph edits for compression passes: fresh names, adding, replacing and
// removing nodes, rewiring the consumers of a value, swapping initializers.
// Graphs are immutable, so an edit collects changes on a GraphEdit and
// `finish()` returns a new Graph: nodes in topological order, the shapes of
// edited values and of everything computed from them dropped (they may have
// changed; shape inference recomputes them), unused initializers removed when
// asked, and the result validated.
import { GraphError } from "../core/errors.js";
import { pruneUnused } from "./extract.js";
import { topologicalSort } from "./topo.js";
import type { Attribute, Graph, Node, Tensor, ValueInfo } from "./types.js";
import { validateGraph } from "./validate.js";

/** A node to add: domain defaults to ai.onnx, attributes to none, the name to a fresh one from opType. */
export interface NewNode {
  readonly name?: string;
  readonly opType: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, Attribute>>;
}

export interface FinishOptions {
  /** Drop nodes and initializers no graph output needs (default false: an edit keeps what it does not touch). */
  readonly pruneUnused?: boolean;
  /** Drop every valueInfo entry, not only those of edited values (default false). */
  readonly clearValueInfo?: boolean;
}

export class GraphEdit {
  private readonly nodes: Node[];
  private readonly initializers: Map<string, Tensor>;
  private readonly valueInfo: Map<string, ValueInfo>;
  private outputs: ValueInfo[];
  /** Node names and value names (ONNX keeps them apart, but a fresh name avoids both). */
  private readonly nodeNames: Set<string>;
  private readonly taken: Set<string>;
  /** Values whose producer or size changed: their shapes, and those of everything computed from them, are stale. */
  private readonly stale = new Set<string>();

  constructor(private readonly source: Graph) {
    this.nodes = [...source.nodes];
    this.initializers = new Map(source.initializers);
    this.valueInfo = new Map(source.valueInfo);
    this.outputs = [...source.outputs];
    this.taken = new Set<string>([...source.inputs.map((i) => i.name), ...source.initializers.keys(), ...source.valueInfo.keys()]);
    this.nodeNames = new Set(source.nodes.map((n) => n.name));
    for (const node of source.nodes) {
      this.taken.add(node.name);
      for (const out of node.outputs) if (out !== "") this.taken.add(out);
    }
  }

  /** A name used by no value, node or initializer of the graph (nor by an earlier freshName): `base`, `base_1`, … */
  freshName(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** The node named `name` as it stands in this edit; a GraphError naming the graph when there is none. */
  node(name: string): Node {
    const found = this.nodes.find((n) => n.name === name);
    if (!found) throw new GraphError(`graph "${this.source.name}" has no node named "${name}"`, { node: name });
    return found;
  }

  /** Nodes reading `value`, in graph order. */
  consumersOf(value: string): Node[] {
    return this.nodes.filter((n) => n.inputs.includes(value));
  }

  /** Adds a node (placed by topological order on finish); returns it with its final name. */
  addNode(spec: NewNode): Node {
    const name = spec.name !== undefined ? this.claimNodeName(spec.name) : this.freshName(spec.opType);
    this.nodeNames.add(name);
    for (const out of spec.outputs) if (out !== "") this.taken.add(out);
    const node: Node = {
      name,
      opType: spec.opType,
      domain: spec.domain ?? "",
      inputs: [...spec.inputs],
      outputs: [...spec.outputs],
      attributes: spec.attributes ?? {},
    };
    this.nodes.push(node);
    return node;
  }

  /** Replaces the node named `name` with `changes` applied (inputs, outputs, attributes, opType…). */
  updateNode(name: string, changes: Partial<Omit<Node, "name">>): Node {
    const index = this.indexOf(name);
    const updated: Node = { ...this.nodes[index]!, ...changes, name };
    this.nodes[index] = updated;
    for (const out of updated.outputs) this.forgetShape(out);
    return updated;
  }

  /** Replaces a node by several (e.g. Conv → QuantizeLinear, DequantizeLinear, Conv); returns them named. */
  replaceNode(name: string, replacements: readonly NewNode[]): Node[] {
    const index = this.indexOf(name);
    const old = this.nodes[index]!;
    this.nodes.splice(index, 1);
    this.nodeNames.delete(name); // a replacement may take the old node's name
    for (const out of old.outputs) this.forgetShape(out);
    return replacements.map((r) => this.addNode(r));
  }

  /**
   * Removes the node named `name`. `rewire` maps each of its outputs that is
   * still read (by nodes or graph outputs) to the value to read instead; an
   * output still read without a mapping is a GraphError listing them.
   */
  removeNode(name: string, rewire: Readonly<Record<string, string>> = {}): void {
    const index = this.indexOf(name);
    const old = this.nodes[index]!;
    this.nodes.splice(index, 1);
    this.nodeNames.delete(name);
    const dangling: string[] = [];
    for (const out of old.outputs) {
      if (out === "") continue;
      const to = rewire[out];
      if (to !== undefined) this.rewire(out, to);
      else if (this.consumersOf(out).length > 0 || this.outputs.some((o) => o.name === out)) dangling.push(out);
      this.forgetShape(out);
    }
    if (dangling.length > 0) {
      throw new GraphError(
        `removing node "${name}" (${old.opType}) leaves ${dangling.map((d) => `"${d}"`).join(", ")} read but never produced; ` +
          `pass a replacement value for each in removeNode's rewire map`,
        { node: name, op: old.opType, details: { dangling } },
      );
    }
  }

  /**
   * Every read of `from` becomes a read of `to`: node inputs (except nodes in
   * `except`, e.g. the node that now produces `to` from `from`) and, unless
   * `graphOutputs` is false, graph outputs (renamed, keeping their declared type).
   */
  rewire(from: string, to: string, options: { except?: Iterable<string>; graphOutputs?: boolean } = {}): void {
    const except = new Set(options.except ?? []);
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[i]!;
      if (except.has(node.name) || !node.inputs.includes(from)) continue;
      this.nodes[i] = { ...node, inputs: node.inputs.map((v) => (v === from ? to : v)) };
    }
    if (options.graphOutputs !== false) {
      this.outputs = this.outputs.map((o) => (o.name === from ? { ...o, name: to } : o));
    }
  }

  /** Sets an initializer, new or existing (its old shape info is forgotten). */
  setInitializer(name: string, tensor: Tensor): void {
    this.taken.add(name);
    this.initializers.set(name, tensor);
    this.forgetShape(name);
  }

  /** Adds a constant under a fresh name made from `base`; returns the name. */
  addInitializer(base: string, tensor: Tensor): string {
    const name = this.freshName(base);
    this.initializers.set(name, tensor);
    return name;
  }

  initializer(name: string): Tensor | undefined {
    return this.initializers.get(name);
  }

  removeInitializer(name: string): void {
    this.initializers.delete(name);
    this.forgetShape(name);
  }

  /** Forget what is known about a value's shape (its producer or size changed). */
  forgetShape(value: string): void {
    this.stale.add(value);
  }

  /** The edited graph, topologically sorted and structurally valid (a GraphError lists what is not). */
  finish(options: FinishOptions = {}): Graph {
    let graph = topologicalSort({ ...this.source, nodes: this.nodes, initializers: this.initializers, outputs: this.outputs });
    const stale = this.staleDownstream(graph);
    const valueInfo = options.clearValueInfo ? new Map() : new Map([...this.valueInfo].filter(([name]) => !stale.has(name)));
    const outputs = graph.outputs.map((o) => (stale.has(o.name) && o.shape !== undefined ? { name: o.name, dtype: o.dtype } : o));
    graph = { ...graph, valueInfo, outputs };
    if (options.pruneUnused) graph = pruneUnused(graph);
    validateGraph(graph);
    return graph;
  }

  /** Stale values plus every value computed from one (graph nodes in topological order). */
  private staleDownstream(sorted: Graph): Set<string> {
    const stale = new Set(this.stale);
    for (const node of sorted.nodes) {
      if (node.inputs.some((v) => stale.has(v))) for (const out of node.outputs) if (out !== "") stale.add(out);
    }
    return stale;
  }

  private indexOf(name: string): number {
    const index = this.nodes.findIndex((n) => n.name === name);
    if (index < 0) throw new GraphError(`graph "${this.source.name}" has no node named "${name}"`, { node: name });
    return index;
  }

  private claimNodeName(name: string): string {
    if (this.nodeNames.has(name)) {
      throw new GraphError(`graph "${this.source.name}" already has a node named "${name}"; use freshName("${name}") for a new node's name`, {
        node: name,
      });
    }
    this.taken.add(name);
    return name;
  }
}

/** Runs `change` on a GraphEdit of `graph` and returns the finished graph. */
export function editGraph(graph: Graph, change: (edit: GraphEdit) => void, options: FinishOptions = {}): Graph {
  const edit = new GraphEdit(graph);
  change(edit);
  return edit.finish(options);
}
