// The channel analysis: walks an ONNX graph in order, asks each node's rule
// (rules/index.ts) how channels flow through it, and collects units, their
// couplings and pins, the dependencies (initializer cuts), the node rewrites
// a cut forces and the activation sites. A node without a rule that reads
// tracked channels pins them, naming itself: nothing is guessed.
import { inferShapesWithReport } from "../../../graph/shape-inference/index.js";
import { nodeDependencies, producers } from "../../../graph/topo.js";
import { onnxOpset, type Dim, type Graph, type Node } from "../../../graph/types.js";
import { CHANNEL_RULES } from "./rules/index.js";
import { Units } from "./units.js";
import type { ActivationSite, Dependency, Handler, Positions, Rewrite, RuleContext } from "./types.js";
import { constantsAsInitializers } from "./constants.js";
import { ShapeTaint } from "./shape-taint.js";

export interface Analysis {
  /** The graph analysed: Constant nodes turned into initializers, otherwise the input graph. */
  readonly graph: Graph;
  readonly units: Units;
  /** Tracked channel axes per value: axis → positions. */
  readonly tracked: ReadonlyMap<string, ReadonlyMap<number, Positions>>;
  readonly dependencies: readonly Dependency[];
  readonly rewrites: readonly { readonly node: string; readonly change: Rewrite }[];
  readonly sites: readonly ActivationSite[];
}

const FLOAT = new Set(["float32", "float64", "float16"]);

export function analyzeChannels(input: Graph): Analysis {
  const graph = constantsAsInitializers(input);
  const { facts } = inferShapesWithReport(graph);
  const opset = onnxOpset(graph);
  const made = producers(graph);
  const units = new Units();
  const tracked = new Map<string, Map<number, Positions>>();
  const dependencies: Dependency[] = [];
  const rewrites: { node: string; change: Rewrite }[] = [];
  const sites: ActivationSite[] = [];
  const taint = new ShapeTaint();

  /** A value's initializer, through Identity nodes. */
  const initializerOf = (value: string): string | undefined => {
    let name = value;
    for (;;) {
      const t = graph.initializers.get(name);
      if (t) return FLOAT.has(t.dtype) ? name : undefined;
      const p = made.get(name);
      if (!p || p.opType !== "Identity") return undefined;
      name = p.inputs[0]!;
    }
  };

  for (const node of graph.nodes) {
    const rule = node.domain === "" || node.domain === "ai.onnx" ? CHANNEL_RULES[node.opType] : undefined;
    const readsTracked = () => nodeDependencies(node).some((v) => tracked.has(v));
    const unmappable = (why: string) => {
      for (const v of new Set(nodeDependencies(node))) {
        for (const [axis, positions] of tracked.get(v) ?? []) units.pinMany(positions, `node "${node.name}" (${node.opType}) ${why} (its input "${v}", axis ${axis})`);
      }
    };
    // Values captured by a subgraph are read in ways no rule sees.
    const captures = nodeDependencies(node).filter((v) => !node.inputs.includes(v));
    if (captures.some((v) => tracked.has(v))) unmappable("reads channels inside a subgraph");
    const replaced = new Set<number>();
    const ctx: RuleContext = {
      node,
      opset,
      shape: (v) => facts.get(v)?.shape ?? (graph.initializers.get(v)?.dims as readonly Dim[] | undefined),
      value: (v) => facts.get(v)?.value,
      tracked: (v) => tracked.get(v),
      initializer: initializerOf,
      fresh: (count) => units.fresh(count),
      couple(a, b) {
        if (a.length !== b.length) throw new Error(`node "${node.name}": coupling axes of ${a.length} and ${b.length} channels`);
        for (let i = 0; i < a.length; i++) units.union(a[i]!, b[i]!);
      },
      pin: (positions, reason) => units.pinMany(positions, reason),
      track(index, axis, positions) {
        const out = node.outputs[index];
        if (!out) return;
        const axes = tracked.get(out) ?? new Map<number, Positions>();
        axes.set(axis, positions);
        tracked.set(out, axes);
      },
      cut(handler: Handler, positions, { via, ...trigger }) {
        dependencies.push({ trigger: { node: node.name, ...trigger }, handler, indexMapping: positions, ...(via?.length ? { via } : {}) });
      },
      producer: (v) => made.get(v),
      rewrite: (change) => rewrites.push({ node: node.name, change }),
      replaces: (...inputs) => inputs.forEach((i) => replaced.add(i)),
      site: (site) => sites.push(site),
      unmappable,
    };
    if (rule) rule(ctx);
    else if (readsTracked()) unmappable(`reads channels, and compactor has no channel rule for ${node.domain ? node.domain + "." : ""}${node.opType}`);
    taint.visit(ctx, replaced);
  }

  for (const output of graph.outputs) {
    for (const [axis, positions] of tracked.get(output.name) ?? []) units.pinMany(positions, `graph output "${output.name}" (axis ${axis}) keeps its size`);
  }
  coupleSharedCuts(graph, dependencies, units, made);
  return { graph, units, tracked, dependencies, rewrites, sites };
}

/**
 * An initializer cut along one axis by several dependencies loses the same
 * indices for all: their units are joined. One read by a node that cuts
 * nothing of it (it would see a tensor of the wrong size) pins the units.
 */
function coupleSharedCuts(graph: Graph, dependencies: readonly Dependency[], units: Units, made: ReadonlyMap<string, Node>): void {
  const byCut = new Map<string, Dependency[]>();
  for (const d of dependencies) {
    const key = `${d.handler.initializer}\u0000${d.handler.axis}`;
    byCut.set(key, [...(byCut.get(key) ?? []), d]);
  }
  const readers = initializerReaders(graph, made);
  for (const list of byCut.values()) {
    const first = list[0]!;
    for (const other of list.slice(1)) {
      if (other.indexMapping.length !== first.indexMapping.length) throw new Error(`initializer "${first.handler.initializer}" cut with two lengths`);
      for (let i = 0; i < first.indexMapping.length; i++) units.union(first.indexMapping[i]!, other.indexMapping[i]!);
    }
    const cutters = new Set(list.flatMap((d) => [d.trigger.node, ...(d.via ?? [])]));
    const others = (readers.get(first.handler.initializer) ?? []).filter((n) => !cutters.has(n));
    if (others.length > 0) {
      units.pinMany(first.indexMapping, `initializer "${first.handler.initializer}" is also read by node "${others[0]}", which would see it cut`);
    }
  }
}

/** Nodes reading each initializer, directly or through Identity nodes (the Identity itself not counted). */
function initializerReaders(graph: Graph, made: ReadonlyMap<string, Node>): Map<string, string[]> {
  const rootOf = (value: string): string | undefined => {
    let name = value;
    for (;;) {
      if (graph.initializers.has(name)) return name;
      const p = made.get(name);
      if (!p || p.opType !== "Identity") return undefined;
      name = p.inputs[0]!;
    }
  };
  const readers = new Map<string, string[]>();
  for (const node of graph.nodes) {
    if (node.opType === "Identity") continue;
    for (const v of new Set(nodeDependencies(node))) {
      const root = rootOf(v);
      if (root !== undefined) readers.set(root, [...(readers.get(root) ?? []), node.name]);
    }
  }
  return readers;
}
