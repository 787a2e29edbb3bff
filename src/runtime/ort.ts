// The adapter for onnxruntime-node's sessions (STYLE.md: one adapter per heavy
// dependency). onnxruntime is the parity reference, the deployment runtime whose
// latency we report, and the engine for inference that needs no gradients. Its
// one other importer is native-gemm.ts, which calls the native binding
// synchronously for training's matrix products.
import * as ort from "onnxruntime-node";
import { BackendError, GraphError, OptionError } from "../core/errors.js";
import { encodeModel } from "../formats/onnx/index.js";
import { makeTensor } from "../graph/tensor.js";
import type { DType, Graph, Tensor, ValueInfo } from "../graph/types.js";
import { checkFeeds } from "./check-feeds.js";

/** Graph dtypes onnxruntime's JS API can carry (bfloat16 has no JS tensor type there). */
const ORT_DTYPES = Object.freeze({
  float32: "float32",
  float64: "float64",
  float16: "float16",
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  uint8: "uint8",
  uint16: "uint16",
  uint32: "uint32",
  uint64: "uint64",
  bool: "bool",
  string: "string",
} as const satisfies Partial<Record<DType, ort.Tensor.Type>>);
type OrtDType = keyof typeof ORT_DTYPES;

function isOrtDType(dtype: string): dtype is OrtDType {
  return Object.hasOwn(ORT_DTYPES, dtype);
}

export function ortVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

function toOrtTensor(name: string, t: Tensor): ort.Tensor {
  if (!isOrtDType(t.dtype)) {
    throw new BackendError(
      `input "${name}" is ${t.dtype}, which onnxruntime-node cannot take; must be one of [${Object.keys(ORT_DTYPES).join(", ")}]. Cast it first.`,
      { details: { input: name, dtype: t.dtype } },
    );
  }
  // float16 travels as its raw 16-bit patterns, exactly how the Graph stores it.
  return new ort.Tensor(ORT_DTYPES[t.dtype], t.data as ort.Tensor.DataType, [...t.dims]);
}

function fromOrtTensor(name: string, value: ort.OnnxValue): Tensor {
  if (!(value instanceof ort.Tensor)) {
    throw new BackendError(`output "${name}" is not a tensor (sequences and maps are not supported)`);
  }
  const dtype = value.type;
  if (!isOrtDType(dtype)) {
    throw new BackendError(`output "${name}" has onnxruntime type ${dtype}, which compactor does not represent`);
  }
  let data = value.data as Tensor["data"];
  // float16 may come back as a Float16Array where the platform has one; the Graph keeps raw bits.
  if (dtype === "float16" && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView;
    data = new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2);
  }
  return makeTensor(dtype, value.dims, data);
}

/** Value info for a requested output: a graph output, or an intermediate whose dtype is known. */
function outputInfo(graph: Graph, name: string): ValueInfo | undefined {
  return graph.outputs.find((o) => o.name === name) ?? graph.valueInfo.get(name) ?? graph.inputs.find((i) => i.name === name);
}

/** A view of `graph` whose outputs are `names`, so onnxruntime can fetch intermediates. */
function withOutputs(graph: Graph, names: readonly string[]): Graph {
  const unknown: string[] = [];
  const outputs: ValueInfo[] = [];
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  for (const name of names) {
    const info = outputInfo(graph, name);
    if (info === undefined || !(produced.has(name) || graph.outputs.some((o) => o.name === name))) unknown.push(name);
    else outputs.push({ name, dtype: info.dtype, ...(info.shape ? { shape: info.shape } : {}) });
  }
  if (unknown.length > 0) {
    throw new GraphError(
      `graph "${graph.name}": cannot fetch ${unknown.map((n) => `"${n}"`).join(", ")}: no node produces ${unknown.length > 1 ? "them" : "it"} ` +
        `or its dtype is unknown. Use a graph output name or an intermediate value with a known type (run shape inference first).`,
      { details: { unknown } },
    );
  }
  return { ...graph, outputs };
}

export interface OrtSessionOptions {
  /** Intra-op threads; onnxruntime's default (all physical cores) when absent. */
  readonly threads?: number;
  /**
   * "all" (default): onnxruntime's full optimizations, QDQ fused into integer
   * kernels. "disabled": every node runs as written (Q and DQ as the float
   * math ONNX defines them), what a check of the graph itself needs.
   */
  readonly optimization?: "all" | "disabled";
}

export interface OrtRunOptions {
  /** Values to fetch; the graph's outputs when absent. Intermediates are allowed. */
  readonly outputs?: readonly string[];
}

export class OrtSession {
  readonly graph: Graph;
  readonly #options: OrtSessionOptions;
  readonly #session: ort.InferenceSession;
  /** Sessions for fetching intermediates, one per requested output set. */
  readonly #derived = new Map<string, Promise<OrtSession>>();

  constructor(graph: Graph, session: ort.InferenceSession, options: OrtSessionOptions) {
    this.graph = graph;
    this.#session = session;
    this.#options = options;
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: OrtRunOptions = {}): Promise<Record<string, Tensor>> {
    checkFeeds(this.graph, feeds, `graph "${this.graph.name}" on onnxruntime`);
    const wanted = options.outputs ?? this.graph.outputs.map((o) => o.name);
    const graphOutputs = new Set(this.#session.outputNames);
    if (!wanted.every((name) => graphOutputs.has(name))) {
      const key = JSON.stringify(wanted);
      let derived = this.#derived.get(key);
      if (derived === undefined) {
        derived = openSession(withOutputs(this.graph, wanted), this.#options);
        this.#derived.set(key, derived);
      }
      return (await derived).run(feeds);
    }
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(name, t);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.#session.run(ortFeeds, wanted);
    } catch (cause) {
      throw new BackendError(`onnxruntime failed running graph "${this.graph.name}": ${(cause as Error).message}`, {}, { cause });
    }
    const out: Record<string, Tensor> = {};
    for (const name of wanted) out[name] = fromOrtTensor(name, results[name]!);
    return out;
  }

  /** Frees the native session; later runs fail. */
  async release(): Promise<void> {
    for (const derived of this.#derived.values()) await (await derived).release();
    await this.#session.release();
  }
}

async function openSession(graph: Graph, options: OrtSessionOptions): Promise<OrtSession> {
  const bytes = encodeModel(graph);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.optimization ?? "all",
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  };
  try {
    return new OrtSession(graph, await ort.InferenceSession.create(bytes, sessionOptions), options);
  } catch (cause) {
    throw new BackendError(
      `onnxruntime ${ortVersion()} refused graph "${graph.name}": ${(cause as Error).message}\n` +
        `Check the graph with validateGraph(), or report it if the graph is valid ONNX.`,
      {},
      { cause },
    );
  }
}

// Keyed by graph identity: Graphs are immutable values, so an identical object
// means identical bytes, and a dropped graph frees its sessions with it.
const sessionCache = new WeakMap<Graph, Map<string, Promise<OrtSession>>>();

/** An onnxruntime session for `graph`, created once per graph object and thread count. */
export function createOrtSession(graph: Graph, options: OrtSessionOptions = {}): Promise<OrtSession> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new OptionError(`threads must be a positive integer, got ${options.threads}`);
  }
  let perGraph = sessionCache.get(graph);
  if (perGraph === undefined) {
    perGraph = new Map();
    sessionCache.set(graph, perGraph);
  }
  const key = `${options.threads ?? "default"}:${options.optimization ?? "all"}`;
  let session = perGraph.get(key);
  if (session === undefined) {
    session = openSession(graph, options);
    // A failed creation must not poison the cache for the next attempt.
    session.catch(() => perGraph.delete(key));
    perGraph.set(key, session);
  }
  return session;
}

/** One-shot convenience: run `graph` on onnxruntime with a cached session. */
export async function runOrt(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: OrtRunOptions & OrtSessionOptions = {},
): Promise<Record<string, Tensor>> {
  const session = await createOrtSession(graph, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.optimization !== undefined ? { optimization: options.optimization } : {}),
  });
  return session.run(feeds, options.outputs ? { outputs: options.outputs } : {});
}

/**
 * Whether the installed onnxruntime builds a session for `graph`: true, or its
 * message. Steps use it to check that an op (a com.microsoft contrib op, a new
 * opset) exists in this build before emitting it.
 */
export async function ortAccepts(graph: Graph): Promise<true | string> {
  try {
    const session = await ort.InferenceSession.create(encodeModel(graph), { graphOptimizationLevel: "disabled" });
    await session.release();
    return true;
  } catch (cause) {
    return (cause as Error).message;
  }
}

/**
 * The graph onnxruntime actually runs after its optimizations at `level`
 * (QDQ fusions into QLinearConv, MatMulIntegerToFloat… from "extended"; "all"
 * adds this CPU's NCHWc layouts), by writing its optimized model and reading it back.
 */
export async function ortOptimizedGraph(graph: Graph, level: "basic" | "extended" | "all" = "all"): Promise<Graph> {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { readOnnx } = await import("../formats/onnx/index.js");
  const dir = await mkdtemp(join(tmpdir(), "compactor-ort-"));
  const path = join(dir, "optimized.onnx");
  try {
    const session = await ort.InferenceSession.create(encodeModel(graph), { graphOptimizationLevel: level, optimizedModelFilePath: path });
    await session.release();
    return await readOnnx(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The op types of ortOptimizedGraph(graph), domain-qualified. For tests and reports. */
export async function ortOptimizedOpTypes(graph: Graph): Promise<string[]> {
  return (await ortOptimizedGraph(graph)).nodes.map((n) => (n.domain && n.domain !== "ai.onnx" ? `${n.domain}.${n.opType}` : n.opType));
}
