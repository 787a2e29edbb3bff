// Compiles a Graph into a differentiable tfjs function.
//
// compile() does all the checking and conversion once:
//   1. every node is resolved against the op table (src/graph/ops/, with the
//      implementations registry.ts attaches): one UnsupportedOpError lists
//      every op missing at the graph's opset;
//   2. attributes are resolved from each version's declared defaults
//      (graph/ops/resolve-attrs.ts), every problem listed at once;
//   3. the graph must run in order (plan.ts checks every value is produced
//      before it is read);
//   4. initializers become tf.Variables (weights.ts: int64 → int32,
//      float64/16 → float32, in the backend layout their one consumer wants);
//   5. shape-like values are folded (constants.ts) for OpContext.constantOf,
//      and again per input-shape signature on first use (fold-cache.ts), so
//      run-time shape arithmetic on a symbolic batch dimension folds too.
// forward() checks the feeds (../check-feeds.ts, as onnxruntime's session
// does), then walks the nodes plan.ts picks, in order, handing each its inputs
// in the layout its op asks for (layout-dispatch.ts: NHWC between conv-like
// and elementwise ops) and using only tf ops, so tf.grad / tf.variableGrads
// differentiate through it. Per-call state (training, seeds, BatchNorm state
// updates) lives in call-state.ts.
import { tf } from "./tf.js";
import { CompactorError, GraphError } from "../../core/errors.js";
import type { DType, Graph, Node, Tensor } from "../../graph/types.js";
import { opsetOf } from "../../graph/ops/index.js";
import { resolveAttrs, throwAttrProblems, type AttrProblem } from "../../graph/ops/resolve-attrs.js";
import { checkFeeds, type FeedCheckOptions, type FeedView } from "../check-feeds.js";
import { initBackend, type BackendChoice } from "./backends.js";
import { CallState } from "./call-state.js";
import type { FoldInputs } from "./constants.js";
import { ShapeFolds, constantsOf } from "./fold-cache.js";
import { activationFusions } from "./fusion.js";
import { held, asOnnx, type Held } from "./layout.js";
import { dispatch } from "./layout-dispatch.js";
import { ALL_OPS } from "./ops/index.js";
import type { OpContext } from "./ops/types.js";
import { Planner, checkStructure } from "./plan.js";
import { OpRegistry } from "./registry.js";
import { fromTfValues, tfDtypeOf, toTf } from "./tensors.js";
import { createVariables, exportInitializers, weightLayouts } from "./weights.js";

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
  /** A tensor shaped like initializer `name` in ONNX layout, in the layout its variable is stored in (masks, per-weight values). */
  toVariableLayout(name: string, t: tf.Tensor): tf.Tensor;
  /** Inverse of toVariableLayout: a tensor in variable `name`'s layout back in ONNX layout. */
  fromVariableLayout(name: string, t: tf.Tensor): tf.Tensor;
  dispose(): void;
}

const REGISTRY = new OpRegistry(ALL_OPS);
/** tfjs's own dtype names, as a fed tf.Tensor reports them. */
const TF_DTYPES: Readonly<Record<string, true>> = Object.freeze({ float32: true, int32: true, bool: true });
/** The tfjs runtime holds int64 as int32 and float64 as float32: a feed fits when it converts to the input's tfjs dtype. */
const TFJS_FEEDS: FeedCheckOptions = {
  dtypeFits: (declared, got) => tfDtypeOf(declared) === (got in TF_DTYPES ? got : tfDtypeOf(got as DType)),
};

/** The op table compile() uses (for coverage reports and the conformance harness). */
export function opRegistry(): OpRegistry {
  return REGISTRY;
}

function tfFeedViews(feeds: Record<string, tf.Tensor>): Record<string, FeedView> {
  const views: Record<string, FeedView> = {};
  for (const [name, t] of Object.entries(feeds)) views[name] = { dtype: t.dtype, dims: t.shape };
  return views;
}

export async function compile(graph: Graph, options: CompileOptions = {}): Promise<CompiledGraph> {
  if (options.backend) await initBackend(options.backend);
  else if (!tf.engine().backendName) await initBackend("wasm");

  const entries = REGISTRY.resolveGraph(graph);
  const problems: AttrProblem[] = [];
  const attrs = graph.nodes.map((node, i) => resolveAttrs(node, entries[i]!.version.attributes, problems, "the tfjs runtime"));
  throwAttrProblems(problems, graph.name, "Fix the exporter's output, or run the model on onnxruntime (--backend ort).");
  checkStructure(graph);
  const opsets = graph.nodes.map((node) => opsetOf(graph, node.domain));
  const where = `graph "${graph.name}" on the tfjs runtime`;

  // Running statistics are state, not parameters: no gradient ever reaches them.
  const state = new Set<string>();
  graph.nodes.forEach((node, n) => entries[n]!.stateInputs?.forEach((i) => node.inputs[i] && state.add(node.inputs[i])));
  const isTrainable = (name: string) => {
    const t = graph.initializers.get(name);
    return t !== undefined && tfDtypeOf(t.dtype) === "float32" && !state.has(name) && (options.trainable?.(name) ?? true);
  };

  const calls = new CallState(graph);
  const foldInputs: FoldInputs = {
    entries,
    attrs,
    isTrainable,
    ctxFor: (node: Node, index: number, constantOf: OpContext["constantOf"]) => calls.context(node, opsets[index]!, constantOf),
  };
  const folds = await ShapeFolds.create(graph, foldInputs);
  const fusions = activationFusions(graph, attrs, (name) => folds.generic.values.get(name));
  const planner = new Planner(graph);
  const fusedOutputs = new Set([...fusions.keys()].map((conv) => graph.nodes.find((n) => n.name === conv)!.outputs[0]!));

  const layouts = weightLayouts(graph, entries, attrs);
  const variables = createVariables(graph, layouts, isTrainable);
  const inputNames = graph.inputs.map((v) => v.name);
  const outputNames = graph.outputs.map((v) => v.name);

  function forward(feeds: Record<string, tf.Tensor>, opts: ForwardOptions = {}): Record<string, tf.Tensor> {
    checkFeeds(graph, tfFeedViews(feeds), where, TFJS_FEEDS);
    calls.begin(opts.training ?? options.training ?? false, opts.seed);
    const wanted = opts.outputs ?? outputNames;
    const folded = folds.forFeeds(feeds);
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

    // Fusion changes the conv's own output: not when that output is asked for.
    // (While training the op differentiates the fused activation, or runs it apart: see ops/conv.ts.)
    const fuse = !wanted.some((w) => fusedOutputs.has(w));
    const skipped = new Map<string, string>();
    for (const node of planner.nodesFor(opts.outputs, folded)) {
      const index = planner.index(node);
      const entry = entries[index]!;
      const alias = fuse ? skipped.get(node.name) : undefined;
      if (alias !== undefined) {
        env.set(node.outputs[0]!, env.get(alias)!);
        continue;
      }
      const fusion = fuse ? fusions.get(node.name) : undefined;
      if (fusion) skipped.set(fusion.skipped.name, node.outputs[0]!);
      const nodeAttrs = attrs[index]!;
      const { inputs, contextLayout, outputLayout } = dispatch(entry, node, node.inputs.map(lookup), nodeAttrs, (name) => layouts.has(name));
      const ctx = calls.context(node, opsets[index]!, constantsOf(folded, node), contextLayout, fusion?.activation);
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
        env.set(name, held(t, outputLayout(i)));
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
    checkFeeds(graph, feeds, where, TFJS_FEEDS);
    await folds.prepare(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { shape: t.dims }])));
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

  function toVariableLayout(name: string, t: tf.Tensor): tf.Tensor {
    const w = layouts.get(name);
    return w ? w.layout.toBackend(t, w.attrs) : tf.clone(t);
  }

  function fromVariableLayout(name: string, t: tf.Tensor): tf.Tensor {
    const w = layouts.get(name);
    const original = graph.initializers.get(name);
    return w && original ? w.layout.toOnnx(t, w.attrs, original.dims) : tf.clone(t);
  }

  function dispose(): void {
    for (const v of variables.values()) v.dispose();
    folds.dispose();
    calls.dispose();
  }

  return {
    graph,
    inputNames,
    outputNames,
    variables,
    forward,
    prepare: (feeds) => folds.prepare(feeds),
    run,
    takeStateUpdates: () => calls.takeUpdates(),
    exportGraph: async () => ({ ...graph, initializers: await exportInitializers(graph, variables, layouts) }),
    toVariableLayout,
    fromVariableLayout,
    dispose,
  };
}
