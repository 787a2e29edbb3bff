// Compiles a Graph into a differentiable tfjs function.
//
// compile() does all the checking and conversion once:
//   1. every node is resolved against the op table (registry.ts): one
//      UnsupportedOpError lists every op missing at the graph's opset;
//   2. attributes are resolved from each entry's declared defaults (attrs.ts),
//      every problem listed at once;
//   3. initializers become tf.Variables (int64 → int32, float64/16 → float32);
//      an initializer whose only consumer wants it in a backend layout
//      (Conv OIHW → HWIO, Gemm transB=1 → pre-transposed) is stored in that
//      layout, so no per-call transpose runs on weights;
//   4. shape-like values are folded (constants.ts) for OpContext.constantOf,
//      and again per input-shape signature on first use (specialize.ts), so
//      run-time shape arithmetic on a symbolic batch dimension folds too.
// forward() then walks the nodes in order, holding activations in the layout
// layout.ts picks (NHWC between conv-like and elementwise ops) and using only
// tf ops, so tf.grad / tf.variableGrads differentiate through it.
import { tf } from "./tf.js";
import { BackendError, CompactorError, GraphError, ShapeError } from "../../core/errors.js";
import type { DType, Graph, Node, Tensor } from "../../graph/types.js";
import type { Attrs, InputLayout, OpContext, OpEntry } from "./ops/types.js";
import { OpRegistry, opsetFor } from "./registry.js";
import { resolveAttrs, throwAttrProblems, type AttrProblem } from "./attrs.js";
import { foldConstants, foldConstantsAsync, type FoldedConstants } from "./constants.js";
import { readsSynchronously } from "./host-reads.js";
import { FoldCache, shapeSignature, withInputShapes } from "./specialize.js";
import { activationFusions, FUSED_ACTIVATION } from "./fusion.js";
import { alignElementwise, asChannelsLast, asOnnx, held, type Held, type Layout } from "./layout.js";
import { fromTfValues, tfDtypeOf, toTf } from "./tensors.js";
import { ALL_OPS } from "./ops/index.js";
import { initBackend, type BackendChoice } from "./backends.js";

export interface CompileOptions {
  /** Backend to start first (see backends.ts); default: the active one, else wasm. */
  readonly backend?: BackendChoice;
  /** Default for forward()'s training flag. */
  readonly training?: boolean;
  /** Which float initializers get gradients; default all. */
  readonly trainable?: (name: string) => boolean;
}

export interface ForwardOptions {
  readonly training?: boolean;
  /** Values to return (any graph value name); default the graph outputs. */
  readonly outputs?: readonly string[];
  /** Seeds Dropout and other randomness; the same seed gives the same masks. */
  readonly seed?: number;
}

export interface CompiledGraph {
  readonly graph: Graph;
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** Initializers as tf.Variables in backend layout (e.g. Conv weights pre-transposed), keyed by initializer name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Pure forward; call inside tf.tidy / tf.variableGrads. Feeds in ONNX layout; outputs in ONNX layout. */
  forward(feeds: Record<string, tf.Tensor>, options?: ForwardOptions): Record<string, tf.Tensor>;
  /**
   * Folds shape arithmetic for these input shapes ahead of forward(). Needed
   * before forward() with new shapes on backends that cannot read values
   * synchronously (webgpu under Node); elsewhere forward() does it on first use.
   */
  prepare(feeds: Record<string, { readonly shape: readonly number[] }>): Promise<void>;
  /** Convenience: typed arrays in, Tensors (src/graph/types.ts) out, disposes intermediates. */
  run(feeds: Record<string, Tensor>, options?: { outputs?: string[] }): Promise<Record<string, Tensor>>;
  /** State updates recorded by the last training forward (BatchNorm running stats), to assign after a step. */
  takeStateUpdates(): Map<string, tf.Tensor>;
  /**
   * A new Graph with the current variable values written back in ONNX layout.
   * Async because a GPU backend reads its buffers back asynchronously (webgpu's
   * dataSync needs OffscreenCanvas, which Node lacks).
   */
  exportGraph(): Promise<Graph>;
  dispose(): void;
}

const REGISTRY = new OpRegistry(ALL_OPS);
/** tfjs's own dtype names, as a fed tf.Tensor reports them. */
const TF_DTYPES: Readonly<Record<string, true>> = Object.freeze({ float32: true, int32: true, bool: true });

/** The op table compile() uses (for coverage reports and the conformance harness). */
export function opRegistry(): OpRegistry {
  return REGISTRY;
}

/** mulberry32: a small seeded generator; Dropout masks must be reproducible. */
function seededInts(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % 2147483647;
  };
}

function checkStructure(graph: Graph): void {
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

/** Where each initializer should live: in a backend layout when its one consumer asks for it. */
function weightLayouts(graph: Graph, entries: readonly OpEntry[], attrs: readonly Attrs[]): Map<string, { layout: InputLayout; attrs: Attrs }> {
  const uses = new Map<string, { layout?: InputLayout; attrs: Attrs }[]>();
  graph.nodes.forEach((node, n) => {
    node.inputs.forEach((name, i) => {
      if (!graph.initializers.has(name)) return;
      const list = uses.get(name) ?? [];
      list.push({ layout: entries[n]!.inputLayouts?.[i], attrs: attrs[n]! });
      uses.set(name, list);
    });
  });
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const result = new Map<string, { layout: InputLayout; attrs: Attrs }>();
  for (const [name, list] of uses) {
    const only = list[0]!;
    if (list.length === 1 && only.layout && !outputs.has(name)) result.set(name, { layout: only.layout, attrs: only.attrs });
  }
  return result;
}

export async function compile(graph: Graph, options: CompileOptions = {}): Promise<CompiledGraph> {
  if (options.backend) await initBackend(options.backend);
  else if (!tf.engine().backendName) await initBackend("wasm");

  const entries = REGISTRY.resolveGraph(graph);
  const problems: AttrProblem[] = [];
  const attrs = graph.nodes.map((node, i) => resolveAttrs(node, entries[i]!.attributes ?? {}, problems));
  throwAttrProblems(problems, graph.name);
  checkStructure(graph);
  const opsets = graph.nodes.map((node) => opsetFor(graph, node.domain));

  // Running statistics are state, not parameters: no gradient ever reaches them.
  const state = new Set<string>();
  graph.nodes.forEach((node, n) => entries[n]!.stateInputs?.forEach((i) => node.inputs[i] && state.add(node.inputs[i])));
  const isTrainable = (name: string) => {
    const t = graph.initializers.get(name);
    return t !== undefined && tfDtypeOf(t.dtype) === "float32" && !state.has(name) && (options.trainable?.(name) ?? true);
  };

  // Per-call state the OpContext closes over.
  let training = false;
  let nextSeed = seededInts(0);
  const stateUpdates = new Map<string, tf.Tensor>();
  const updateState = (name: string, value: tf.Tensor) => {
    if (!graph.initializers.has(name)) {
      throw new GraphError(`updateState: "${name}" is not an initializer of graph "${graph.name}"`);
    }
    stateUpdates.get(name)?.dispose();
    stateUpdates.set(name, tf.keep(tf.clone(value)));
  };
  const ctxFor = (node: Node, index: number, constantOf: OpContext["constantOf"], layout: Layout = "onnx"): OpContext => ({
    node,
    opset: opsets[index]!,
    layout,
    training,
    seed: () => nextSeed(),
    updateState,
    constantOf,
  });

  const foldInputs = { entries, attrs, isTrainable, ctxFor: (node: Node, index: number, constantOf: OpContext["constantOf"]) => ctxFor(node, index, constantOf) };
  const generic = await foldConstantsAsync(graph, foldInputs);
  const constantOfNode = (folded: FoldedConstants, node: Node) => (i: number) => {
    const v = folded.values.get(node.inputs[i] ?? "");
    return v instanceof Uint8Array ? Int32Array.from(v) : v;
  };
  const fusions = activationFusions(graph, attrs, (name) => generic.values.get(name));
  const fusedAttrs = new Map([...fusions].map(([conv, f]) => [conv, { ...attrs[graph.nodes.findIndex((n) => n.name === conv)]!, [FUSED_ACTIVATION]: f.activation }]));
  // Folds for the input shapes calls have seen; a few, since a training loop's last batch is often smaller.
  const specialized = new FoldCache(4, generic);
  const allStatic = graph.inputs.every((v) => v.shape?.every((d) => typeof d === "number"));
  const defaultPlans = new WeakMap<FoldedConstants, Node[]>();
  /** Keeps a signature's fold, or the generic one when specializing folded nothing more. */
  function remember(key: string, folded: FoldedConstants): FoldedConstants {
    if (folded !== generic && folded.foldedNodes.size === generic.foldedNodes.size) {
      for (const t of folded.tensors.values()) t.dispose();
      folded = generic;
    }
    if (folded !== generic) for (const t of folded.tensors.values()) tf.keep(t);
    specialized.set(key, folded);
    return folded;
  }
  /** The fold for these feeds' shapes, made on first use (kept out of the caller's tidy scope). */
  function foldedFor(feeds: Record<string, tf.Tensor>): FoldedConstants {
    // With every input shape declared, compile() folded all there is.
    if (allStatic) return generic;
    const key = shapeSignature(graph, feeds);
    const cached = specialized.get(key);
    if (cached) return cached;
    if (!readsSynchronously()) {
      throw new BackendError(
        `graph "${graph.name}": input shapes [${key}] were not prepared on the ${tf.getBackend()} backend, which cannot read values synchronously: ` +
          `await prepare(feeds) before forward() with new input shapes (run() and training do)`,
        { details: { graph: graph.name, shapes: key } },
      );
    }
    const concrete = withInputShapes(graph, feeds);
    return remember(key, concrete ? foldConstants(concrete, foldInputs) : generic);
  }
  async function prepare(feeds: Record<string, { readonly shape: readonly number[] }>): Promise<void> {
    const key = shapeSignature(graph, feeds);
    if (allStatic || specialized.get(key)) return;
    const concrete = withInputShapes(graph, feeds);
    remember(key, concrete ? await foldConstantsAsync(concrete, foldInputs) : generic);
  }

  const layouts = weightLayouts(graph, entries, attrs);
  const variables = new Map<string, tf.Variable>();
  for (const [name, t] of graph.initializers) {
    if (t.dtype === "string") continue;
    const variable = tf.tidy(() => {
      const raw = toTf(t, `initializer "${name}"`);
      const w = layouts.get(name);
      return tf.variable(w ? w.layout.toBackend(raw, w.attrs) : raw, isTrainable(name));
    });
    variables.set(name, variable);
  }

  const inputNames = graph.inputs.map((v) => v.name);
  const outputNames = graph.outputs.map((v) => v.name);

  /** Lists every missing, unknown, mis-shaped or mis-typed feed at once. */
  function checkFeeds(feeds: Record<string, { dims?: readonly number[]; shape?: readonly number[]; dtype: string }>): void {
    const missing = inputNames.filter((n) => !(n in feeds));
    const extra = Object.keys(feeds).filter((n) => !inputNames.includes(n));
    const wrong: string[] = [];
    for (const info of graph.inputs) {
      const feed = feeds[info.name];
      if (!feed) continue;
      const dims = feed.dims ?? feed.shape ?? [];
      const declared = info.shape;
      const fits = !declared || (declared.length === dims.length && declared.every((d, i) => typeof d !== "number" || d === dims[i]));
      const dtypeFits = tfDtypeOf(info.dtype) === (feed.dtype in TF_DTYPES ? feed.dtype : tfDtypeOf(feed.dtype as DType));
      if (!fits || !dtypeFits) {
        wrong.push(`"${info.name}" must be ${info.dtype} [${(declared ?? []).map((d) => d ?? "?").join(", ")}], got ${feed.dtype} [${dims.join(", ")}]`);
      }
    }
    const problems = [
      ...missing.map((n) => `missing input "${n}"`),
      ...extra.map((n) => `unknown input "${n}" (expected exactly [${inputNames.join(", ")}])`),
      ...wrong,
    ];
    if (problems.length) {
      throw new ShapeError(`graph "${graph.name}": ${problems.length} problem${problems.length > 1 ? "s" : ""} with the inputs:\n  ${problems.join("\n  ")}`, {
        details: { expected: inputNames, missing, extra, wrong },
      });
    }
  }

  /** Nodes needed for `wanted`, in graph order. */
  function plan(wanted: readonly string[], folded: FoldedConstants): Node[] {
    const producer = new Map<string, Node>();
    for (const node of graph.nodes) for (const o of node.outputs) if (o) producer.set(o, node);
    const need = new Set<Node>();
    const stack = [...wanted];
    const seen = new Set<string>();
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const node = producer.get(name);
      if (!node || need.has(node) || folded.foldedNodes.has(node.name)) continue;
      need.add(node);
      stack.push(...node.inputs.filter((i) => i));
    }
    return graph.nodes.filter((n) => need.has(n));
  }
  const nodeIndex = new Map(graph.nodes.map((n, i) => [n, i]));
  const fusedOutputs = new Set([...fusions.keys()].map((conv) => graph.nodes.find((n) => n.name === conv)!.outputs[0]!));

  function forward(feeds: Record<string, tf.Tensor>, opts: ForwardOptions = {}): Record<string, tf.Tensor> {
    checkFeeds(feeds);
    training = opts.training ?? options.training ?? false;
    if (opts.seed !== undefined) nextSeed = seededInts(opts.seed);
    const wanted = opts.outputs ?? outputNames;
    const folded = foldedFor(feeds);
    const env = new Map<string, Held>();
    for (const [name, t] of Object.entries(feeds)) env.set(name, held(t, "onnx"));
    const lookup = (name: string): Held | undefined => {
      if (name === "") return undefined;
      let v = env.get(name);
      if (!v) {
        const t = folded.tensors.get(name) ?? variables.get(name);
        if (!t) throw new GraphError(`value "${name}" of graph "${graph.name}" has not been computed`);
        // Variables in a backend layout are handed over as they are (see inputLayouts).
        v = held(t, "onnx");
        env.set(name, v);
      }
      return v;
    };

    let nodes = opts.outputs ? plan(wanted, folded) : defaultPlans.get(folded);
    if (!nodes) {
      nodes = plan(wanted, folded);
      defaultPlans.set(folded, nodes);
    }
    // Fusion changes the conv's own output: not when that output is asked for.
    // (While training the op differentiates the fused activation, or runs it apart: see ops/conv.ts.)
    const fuse = !wanted.some((w) => fusedOutputs.has(w));
    const skipped = new Map<string, string>();
    for (const node of nodes) {
      const index = nodeIndex.get(node)!;
      const entry = entries[index]!;
      const alias = fuse ? skipped.get(node.name) : undefined;
      if (alias !== undefined) {
        env.set(node.outputs[0]!, env.get(alias)!);
        continue;
      }
      const fusion = fuse ? fusions.get(node.name) : undefined;
      if (fusion) skipped.set(fusion.skipped.name, node.outputs[0]!);
      const nodeAttrs = fusion ? fusedAttrs.get(node.name)! : attrs[index]!;
      const values = node.inputs.map(lookup);
      const policy = entry.layout ?? "onnx";
      let inputs: (tf.Tensor | undefined)[];
      let outLayout: Layout = "onnx";
      if (policy === "elementwise") {
        ({ inputs, layout: outLayout } = alignElementwise(values));
      } else if (policy === "keepsLayout") {
        const first = values[0];
        outLayout = first !== undefined && first.t.rank >= 3 ? first.layout : "onnx";
        inputs = values.map((v, i) => (v === undefined ? undefined : i === 0 ? v.t : asOnnx(v)));
      } else if (policy === "channelsLast") {
        inputs = values.map((v, i) => (v === undefined ? undefined : i === 0 ? asChannelsLast(v) : asOnnx(v)));
        outLayout = "channelsLast";
      } else {
        inputs = values.map((v) => (v === undefined ? undefined : asOnnx(v)));
      }
      // Weights not converted at compile time (computed ones, shared ones) convert here.
      for (const [i, layout] of Object.entries(entry.inputLayouts ?? {})) {
        const k = Number(i);
        const name = node.inputs[k] ?? "";
        if (inputs[k] !== undefined && !layouts.has(name)) inputs[k] = layout.toBackend(inputs[k]!, nodeAttrs);
      }
      const ctx = ctxFor(node, index, constantOfNode(folded, node), policy === "channelsLast" ? "channelsLast" : outLayout);
      let outputs: tf.Tensor[];
      try {
        outputs = entry.run(inputs, nodeAttrs, ctx);
      } catch (e) {
        if (e instanceof CompactorError) throw e;
        const message = e instanceof Error ? e.message : String(e);
        throw new CompactorError(`node "${node.name}" (${node.opType}, opset ${ctx.opset}) failed on the tfjs runtime: ${message}`, { node: node.name, op: node.opType, opset: ctx.opset }, { cause: e });
      }
      node.outputs.forEach((name, i) => {
        const t = outputs[i];
        if (!name || !t) return;
        env.set(name, held(t, i === 0 || policy === "elementwise" ? outLayout : "onnx"));
      });
    }
    const result: Record<string, tf.Tensor> = {};
    for (const name of wanted) {
      const v = lookup(name);
      if (!v) throw new GraphError(`"${name}" is not a value of graph "${graph.name}"`);
      const w = layouts.get(name);
      const t = w ? w.layout.toOnnx(v.t, w.attrs, graph.initializers.get(name)!.dims) : asOnnx(v);
      // A feed, variable or folded constant passed straight through is cloned:
      // callers dispose what forward returns, and those must outlive the call.
      const persistent = t === feeds[name] || t === variables.get(name) || t === folded.tensors.get(name);
      result[name] = persistent ? tf.clone(t) : t;
    }
    return result;
  }

  async function run(feeds: Record<string, Tensor>, opts: { outputs?: string[] } = {}): Promise<Record<string, Tensor>> {
    checkFeeds(feeds);
    await prepare(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { shape: t.dims }])));
    const outs = tf.tidy(() => {
      const tfFeeds: Record<string, tf.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) tfFeeds[name] = toTf(t, `input "${name}"`);
      return forward(tfFeeds, { outputs: opts.outputs, training: false });
    });
    const dtypeOf = new Map([...graph.outputs, ...graph.valueInfo.values()].map((v) => [v.name, v.dtype]));
    const result: Record<string, Tensor> = {};
    try {
      for (const [name, t] of Object.entries(outs)) {
        const values = (await t.data()) as ArrayLike<number>;
        const dtype = dtypeOf.get(name) ?? (t.dtype === "bool" ? "bool" : t.dtype === "int32" ? "int64" : "float32");
        result[name] = fromTfValues(values, t.shape, dtype);
      }
    } finally {
      for (const t of Object.values(outs)) t.dispose();
    }
    return result;
  }

  function takeStateUpdates(): Map<string, tf.Tensor> {
    const taken = new Map(stateUpdates);
    stateUpdates.clear();
    return taken;
  }

  async function exportGraph(): Promise<Graph> {
    const initializers = new Map<string, Tensor>(graph.initializers);
    for (const [name, v] of variables) {
      const original = graph.initializers.get(name)!;
      const w = layouts.get(name);
      const onnx = w ? tf.tidy(() => w.layout.toOnnx(v, w.attrs, original.dims)) : v;
      try {
        initializers.set(name, fromTfValues((await onnx.data()) as ArrayLike<number>, original.dims, original.dtype));
      } finally {
        if (onnx !== v) onnx.dispose();
      }
    }
    return { ...graph, initializers };
  }

  function dispose(): void {
    for (const v of variables.values()) v.dispose();
    for (const t of generic.tensors.values()) t.dispose();
    specialized.clear();
    for (const t of stateUpdates.values()) t.dispose();
    stateUpdates.clear();
  }

  return { graph, inputNames, outputNames, variables, forward, prepare, run, takeStateUpdates, exportGraph, dispose };
}
