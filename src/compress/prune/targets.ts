// Which weights unstructured pruning touches: the float weight initializers of
// Conv, ConvTranspose, Gemm and MatMul nodes, chosen by node name or op type
// (include / exclude). Also the checks every pruning step shares: a quantized
// graph is refused, and a selection that leaves nothing to prune says so.
import { GraphError, OptionError } from "../../core/errors.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";

/** Ops whose weights unstructured pruning ranks, and the input that holds each one's weight. */
export const WEIGHT_INPUTS = Object.freeze({ Conv: [1], ConvTranspose: [1], Gemm: [1], MatMul: [0, 1] } as const);
export type WeightOp = keyof typeof WEIGHT_INPUTS;
export const WEIGHT_OPS = Object.keys(WEIGHT_INPUTS) as WeightOp[];

/** Ops that mark a graph as quantized: pruning must come before quantization. */
const QUANTIZED_OPS = new Set([
  "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
  "QGemm", "QLinearAdd", "QLinearMul", "DynamicQuantizeMatMul", "MatMulIntegerToFloat",
]);

/** Weights pruning reads and writes (float16 models: convert to float32 first). */
const FLOAT_DTYPES = new Set(["float32", "float64"]);

/** One prunable weight: the initializer and the first node that reads it. */
export interface WeightTarget {
  readonly initializer: string;
  readonly node: string;
  readonly opType: WeightOp;
  readonly tensor: Tensor;
}

/** Node names or op types to include (default: all weight ops) and to leave out. */
export interface Selection {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** A GraphError naming the quantized nodes, when the graph has any. */
export function refuseQuantized(graph: Graph, step: string): void {
  const quantized = graph.nodes.filter((n) => QUANTIZED_OPS.has(n.opType));
  if (quantized.length === 0) return;
  const names = quantized.slice(0, 5).map((n) => `"${n.name}" (${n.opType})`).join(", ");
  throw new GraphError(
    `${step}: graph "${graph.name}" is quantized (${quantized.length} quantization node${quantized.length > 1 ? "s" : ""}: ${names}${quantized.length > 5 ? ", …" : ""}); ` +
      `prune the float model first, then quantize it`,
    { node: quantized[0]!.name, op: quantized[0]!.opType, details: { nodes: quantized.map((n) => n.name) } },
  );
}

/** Every include/exclude entry that names no node and no op type of the graph, in one OptionError. */
export function checkSelection(graph: Graph, selection: Selection, step: string): void {
  const names = new Set(graph.nodes.map((n) => n.name));
  const ops = new Set(graph.nodes.map((n) => n.opType));
  const problems: string[] = [];
  for (const key of ["include", "exclude"] as const) {
    const list = selection[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((e) => typeof e !== "string")) {
      problems.push(`${key} must be an array of node names or op types, got ${JSON.stringify(list)}`);
      continue;
    }
    const unknown = list.filter((e) => !names.has(e) && !ops.has(e));
    if (unknown.length > 0) problems.push(`${key} names no node or op type of graph "${graph.name}": ${unknown.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (problems.length > 0) {
    const examples = graph.nodes.filter((n) => n.opType in WEIGHT_INPUTS).slice(0, 4).map((n) => `"${n.name}"`).join(", ");
    throw new OptionError(`${step}: ${problems.join("; ")}. Use node names (e.g. ${examples}) or op types (${WEIGHT_OPS.join(", ")}).`, {
      details: { problems },
    });
  }
}

/** Whether a selection keeps a node: included (by default every node) and not excluded. */
export function selects(selection: Selection, node: Pick<Node, "name" | "opType">): boolean {
  const listed = (list: readonly string[] | undefined) => list?.some((e) => e === node.name || e === node.opType) ?? false;
  if (selection.include !== undefined && !listed(selection.include)) return false;
  return !listed(selection.exclude);
}

/** The weights a selection prunes, each initializer once (at its first reader). */
export function weightTargets(graph: Graph, selection: Selection, step: string): WeightTarget[] {
  refuseQuantized(graph, step);
  checkSelection(graph, selection, step);
  const seen = new Set<string>();
  const targets: WeightTarget[] = [];
  const notFloat: string[] = [];
  for (const node of graph.nodes) {
    const inputs = (WEIGHT_INPUTS as Readonly<Record<string, readonly number[]>>)[node.opType];
    if (!inputs || !selects(selection, node)) continue;
    for (const i of inputs) {
      const name = node.inputs[i];
      const tensor = name ? graph.initializers.get(name) : undefined;
      // A MatMul between two activations has no weight; a 1-D initializer is a bias-like vector.
      if (!name || !tensor || seen.has(name) || tensor.dims.length < 2) continue;
      seen.add(name);
      if (!FLOAT_DTYPES.has(tensor.dtype)) notFloat.push(`"${name}" (${tensor.dtype}, node "${node.name}")`);
      else targets.push({ initializer: name, node: node.name, opType: node.opType as WeightOp, tensor });
    }
  }
  if (notFloat.length > 0) {
    throw new GraphError(`${step}: weights ${notFloat.join(", ")} are not float32/float64; prune the float32 model first (then quantize or convert it)`, { details: { weights: notFloat } });
  }
  if (targets.length === 0) {
    const what = selection.include || selection.exclude ? ` (include ${JSON.stringify(selection.include ?? "all")}, exclude ${JSON.stringify(selection.exclude ?? [])})` : "";
    throw new GraphError(
      `${step}: graph "${graph.name}" has nothing to prune: no ${WEIGHT_OPS.join("/")} node with a float weight initializer${what}`,
      { details: { include: selection.include, exclude: selection.exclude } },
    );
  }
  return targets;
}

/** A weight's values as float32 (targets are float32 or float64). */
export function asFloat32(tensor: Tensor): Float32Array {
  return tensor.dtype === "float32" ? (tensor.data as Float32Array) : Float32Array.from(tensor.data as Float64Array);
}
