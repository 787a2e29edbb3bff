// Size and cost of a graph: parameters, bytes, multiply-accumulates, op
// histogram and a per-layer table. The display and CLI format GraphSummary.
import { MAC_OPS, nodeMacs, type ShapeOf } from "./macs.js";
import { parseProduct } from "./shape-inference/dims.js";
import { inferShapesWithReport } from "./shape-inference/index.js";
import { numElements, storageBytes } from "./tensor.js";
import { onnxOpset, type DType, type Dim, type Graph, type Node, type Tensor } from "./types.js";


export interface ValueSummary {
  readonly name: string;
  readonly dtype: DType;
  /** undefined when the rank is unknown. */
  readonly shape: readonly Dim[] | undefined;
}

export interface LayerSummary {
  readonly name: string;
  readonly opType: string;
  /** Weight elements this node reads (each shared weight counted at its first reader). */
  readonly params: number;
  /** 0 for ops not in MAC_OPS and where a size is unknown (see GraphSummary.macsUnknown). */
  readonly macs: number;
  readonly outputShape: readonly Dim[] | undefined;
}

export interface GraphSummary {
  readonly name: string;
  readonly opset: number;
  readonly inputs: readonly ValueSummary[];
  readonly outputs: readonly ValueSummary[];
  /** Elements of float initializers that are weights: not BatchNorm running statistics, not shape-like or scalar constants. */
  readonly params: number;
  /** Bytes of all initializers. */
  readonly bytes: number;
  /** Multiply-accumulates of one forward pass at `batch`, summed over MAC_OPS nodes. */
  readonly macs: number;
  /** Batch size symbolic dims were given for the MAC count. */
  readonly batch: number;
  readonly macOps: readonly string[];
  /** MAC_OPS nodes whose MACs are not in `macs` because a size was unknown. */
  readonly macsUnknown: readonly string[];
  readonly nodes: number;
  readonly opHistogram: Readonly<Record<string, number>>;
  /** Nodes that read weights, in graph order. */
  readonly layers: readonly LayerSummary[];
}

/**
 * Input positions that hold running statistics or shape-like constants, not
 * learned weights (BatchNorm mean/var are buffers in PyTorch's terms).
 */
const NON_WEIGHT_INPUTS: Readonly<Record<string, readonly number[]>> = {
  BatchNormalization: [3, 4],
  Reshape: [1],
  Expand: [1],
  Tile: [1],
  Slice: [1, 2, 3, 4],
  Pad: [1, 2, 3],
  Resize: [1, 2, 3],
  Upsample: [1],
  Clip: [1, 2],
  Dropout: [1, 2],
  ConstantOfShape: [0],
  Range: [0, 1, 2],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  ReduceMean: [1],
  ReduceSum: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceL2: [1],
  Gather: [1],
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
  ConvInteger: [2, 3],
  MatMulInteger: [2, 3],
  QLinearConv: [1, 2, 4, 5, 6, 7],
  QLinearMatMul: [1, 2, 4, 5, 6, 7],
};

/** Integer initializers at these positions are quantized weights (and QLinearConv's int32 bias). */
const INTEGER_WEIGHT_INPUTS: Readonly<Record<string, readonly number[]>> = {
  DequantizeLinear: [0],
  ConvInteger: [1],
  MatMulInteger: [1],
  QLinearConv: [3, 8],
  QLinearMatMul: [3],
};

/** Nodes that only hand a weight on (PyTorch's Identity on shared weights, dequantizing a stored int8 weight). */
const PASS_THROUGH = new Set(["Identity", "DequantizeLinear"]);

const FLOAT_DTYPES = new Set<DType>(["float32", "float64", "float16", "bfloat16"]);

/**
 * Which initializer each weight-carrying value comes from. A value produced by a
 * pass-through node from a weight maps to that weight, so the layer reading it —
 * not the Identity or DequantizeLinear before it — is credited with the parameters.
 */
function weightSources(graph: Graph): { sourceOf: Map<string, string>; passThrough: Set<Node> } {
  const sourceOf = new Map<string, string>();
  const passThrough = new Set<Node>();
  const isWeight = (node: Node, i: number, name: string): boolean => {
    const t = graph.initializers.get(name);
    if (t === undefined || t.dims.length === 0 || (NON_WEIGHT_INPUTS[node.opType] ?? []).includes(i)) return false;
    return FLOAT_DTYPES.has(t.dtype) || (INTEGER_WEIGHT_INPUTS[node.opType] ?? []).includes(i);
  };
  for (const node of graph.nodes) {
    node.inputs.forEach((name, i) => {
      if (!sourceOf.has(name) && isWeight(node, i, name)) sourceOf.set(name, name);
    });
    const source = sourceOf.get(node.inputs[0] ?? "");
    if (PASS_THROUGH.has(node.opType) && source !== undefined) {
      passThrough.add(node);
      sourceOf.set(node.outputs[0], source);
    }
  }
  return { sourceOf, passThrough };
}

function tensorBytes(t: Tensor): number {
  if (t.dtype === "string") return (t.data as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  return storageBytes(t.dtype, numElements(t.dims));
}

/**
 * A dim as a number: known sizes as they are; symbols at the graph inputs'
 * batch position → batch, also inside products ("4*batch" → 4 × batch).
 */
function resolver(graph: Graph, batch: number): (d: Dim | undefined) => number | undefined {
  const batchSymbols = new Set(graph.inputs.map((i) => i.shape?.[0]).filter((d): d is string => typeof d === "string"));
  return (d) => {
    if (typeof d === "number") return d;
    if (typeof d !== "string") return undefined;
    const { coefficient, symbols } = parseProduct(d);
    return symbols.every((s) => batchSymbols.has(s)) ? coefficient * batch ** symbols.length : undefined;
  };
}

export function summarize(graph: Graph, options: { batch?: number } = {}): GraphSummary {
  const batch = options.batch ?? 1;
  const { graph: typed } = inferShapesWithReport(graph);
  const inputShapes = new Map(typed.inputs.map((i) => [i.name, i.shape]));
  const shapeOf: ShapeOf = (name) => typed.initializers.get(name)?.dims ?? inputShapes.get(name) ?? typed.valueInfo.get(name)?.shape;
  const size = resolver(typed, batch);

  const { sourceOf, passThrough } = weightSources(typed);
  const weightNames = new Set(sourceOf.values());

  const counted = new Set<string>();
  const layers: LayerSummary[] = [];
  const opHistogram: Record<string, number> = {};
  const macsUnknown: string[] = [];
  let macs = 0;
  for (const node of typed.nodes) {
    opHistogram[node.opType] = (opHistogram[node.opType] ?? 0) + 1;
    const m = (MAC_OPS as readonly string[]).includes(node.opType) ? nodeMacs(node, shapeOf, size) : 0;
    if (m === undefined) macsUnknown.push(node.name);
    else macs += m;
    if (passThrough.has(node)) continue;
    const skip = NON_WEIGHT_INPUTS[node.opType] ?? [];
    const weights = node.inputs.flatMap((name, i) => {
      const source = sourceOf.get(name);
      return source !== undefined && !skip.includes(i) ? [source] : [];
    });
    if (weights.length === 0) continue;
    let params = 0;
    for (const name of weights) {
      if (counted.has(name)) continue;
      counted.add(name);
      params += numElements(typed.initializers.get(name)!.dims);
    }
    layers.push({ name: node.name, opType: node.opType, params, macs: m ?? 0, outputShape: shapeOf(node.outputs[0]) });
  }

  let params = 0;
  for (const name of weightNames) params += numElements(typed.initializers.get(name)!.dims);
  let bytes = 0;
  for (const t of typed.initializers.values()) bytes += tensorBytes(t);

  return {
    name: typed.name,
    opset: onnxOpset(typed),
    inputs: typed.inputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape })),
    outputs: typed.outputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: v.shape })),
    params,
    bytes,
    macs,
    batch,
    macOps: MAC_OPS,
    macsUnknown,
    nodes: typed.nodes.length,
    opHistogram,
    layers,
  };
}
