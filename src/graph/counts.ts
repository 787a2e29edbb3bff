// Size and cost of a graph: parameters, bytes, multiply-accumulates, op
// histogram and a per-layer table. The display and CLI format GraphSummary.
import { attrInt, attrString } from "./attributes.js";
import { inferShapesWithReport } from "./shape-inference/index.js";
import { BYTES_PER_ELEMENT, numElements } from "./tensor.js";
import { onnxOpset, type DType, type Dim, type Graph, type Node, type Tensor } from "./types.js";

/** Ops whose multiply-accumulates are counted; everything else (activations, norms, pools, adds) counts 0. */
export const MAC_OPS = ["Conv", "ConvTranspose", "Gemm", "MatMul", "LSTM", "GRU"] as const;

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
};

const FLOAT_DTYPES = new Set<DType>(["float32", "float64", "float16", "bfloat16"]);

function tensorBytes(t: Tensor): number {
  if (t.dtype === "string") return (t.data as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  return numElements(t.dims) * BYTES_PER_ELEMENT[t.dtype];
}

/** A dim as a number: known sizes as they are, symbols from the graph inputs' batch position → batch. */
function resolver(graph: Graph, batch: number): (d: Dim | undefined) => number | undefined {
  const batchSymbols = new Set(graph.inputs.map((i) => i.shape?.[0]).filter((d): d is string => typeof d === "string"));
  return (d) => (typeof d === "number" ? d : typeof d === "string" && batchSymbols.has(d) ? batch : undefined);
}

type ShapeOf = (name: string) => readonly Dim[] | undefined;

function product(values: readonly (number | undefined)[]): number | undefined {
  let n = 1;
  for (const v of values) {
    if (v === undefined) return undefined;
    n *= v;
  }
  return n;
}

function nodeMacs(node: Node, shapeOf: ShapeOf, size: (d: Dim | undefined) => number | undefined): number | undefined {
  const x = shapeOf(node.inputs[0]);
  const w = shapeOf(node.inputs[1]);
  const y = shapeOf(node.outputs[0]);
  switch (node.opType) {
    case "Conv": {
      // Each output element: (Cin / group) × kernel multiply-adds; the weight holds exactly that per output channel.
      if (!y || !w) return undefined;
      return product([...y.map(size), ...w.slice(1).map(size)]);
    }
    case "ConvTranspose": {
      // Each input element scatters into (Cout / group) × kernel outputs.
      if (!x || !w) return undefined;
      return product([...x.map(size), ...w.slice(1).map(size)]);
    }
    case "Gemm": {
      if (!y || !x) return undefined;
      const k = attrInt(node, "transA", 0) ? x[0] : x[1];
      return product([...y.map(size), size(k)]);
    }
    case "MatMul": {
      if (!y || !x || x.length === 0) return undefined;
      return product([...y.map(size), size(x[x.length - 1])]);
    }
    case "LSTM":
    case "GRU": {
      // Per step and direction: gates × hidden × (input + hidden) for the input and recurrent matmuls.
      if (!x || !w || x.length !== 3) return undefined;
      const gates = node.opType === "LSTM" ? 4 : 3;
      const hidden = attrInt(node, "hidden_size", 0) || undefined;
      const directions = attrString(node, "direction", "forward") === "bidirectional" ? 2 : 1;
      const steps = x[0];
      const batchDim = x[1];
      const [seqLen, batch] = attrInt(node, "layout", 0) === 1 ? [batchDim, steps] : [steps, batchDim];
      const inputSize = size(x[2]);
      const perStep = hidden === undefined || inputSize === undefined ? undefined : inputSize + hidden;
      return product([size(seqLen), size(batch), directions, gates, hidden, perStep]);
    }
    default:
      return 0;
  }
}

export function summarize(graph: Graph, options: { batch?: number } = {}): GraphSummary {
  const batch = options.batch ?? 1;
  const { graph: typed } = inferShapesWithReport(graph);
  const inputShapes = new Map(typed.inputs.map((i) => [i.name, i.shape]));
  const shapeOf: ShapeOf = (name) => typed.initializers.get(name)?.dims ?? inputShapes.get(name) ?? typed.valueInfo.get(name)?.shape;
  const size = resolver(typed, batch);

  const weightNames = new Set<string>();
  for (const node of typed.nodes) {
    const skip = NON_WEIGHT_INPUTS[node.opType] ?? [];
    node.inputs.forEach((name, i) => {
      const t = typed.initializers.get(name);
      if (t && FLOAT_DTYPES.has(t.dtype) && t.dims.length > 0 && !skip.includes(i)) weightNames.add(name);
    });
  }

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
    const weights = node.inputs.filter((name) => weightNames.has(name));
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
