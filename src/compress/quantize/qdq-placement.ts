// Where QuantizeLinear→DequantizeLinear pairs go so that onnxruntime fuses them
// into integer kernels (its QDQ selectors, onnxruntime/core/optimizer/
// qdq_transformer): every float input and the output of a quantized layer
// carry a pair — DQ(x)·DQ(w) → Conv → Q becomes QLinearConv, likewise
// QLinearMatMul, QGemm, QLinearAdd/Mul, QLinearConcat, QLinearAveragePool and
// QLinearGlobalAveragePool. A Relu (or Clip(0, max)) right after a layer is
// dropped and its output range given to the layer's Q: an asymmetric uint8
// grid starting at 0 clamps exactly as Relu does. Ops that move values without
// computing (MaxPool, Reshape, Transpose…) take their input's grid for their
// output, which onnxruntime needs to run them on the integers directly.
// Pairs only on inputs and weights would fuse nothing (each layer would run
// float between a DequantizeLinear and a QuantizeLinear).
import type { Graph, Node } from "../../graph/types.js";

/** Layers with an integer kernel in onnxruntime's QDQ fusions (CPU). */
export const COMPUTE_OPS = ["Conv", "MatMul", "Gemm", "Add", "Mul", "Concat", "AveragePool", "GlobalAveragePool"] as const;

/** Ops onnxruntime runs on the integers when input and output share one grid (its DropQDQ rules). */
export const SAME_GRID_OPS = new Set([
  "MaxPool",
  "Reshape",
  "Flatten",
  "Transpose",
  "Squeeze",
  "Unsqueeze",
  "Slice",
  "Resize",
  "Gather",
  "Expand",
  "Tile",
  "DepthToSpace",
  "SpaceToDepth",
]);

export interface FusedActivation {
  readonly layer: string;
  /** The Relu/Clip removed. */
  readonly node: string;
  /** Its output, which the layer now produces. */
  readonly output: string;
}

export interface QdqPlan {
  /** Layers that become integer kernels. */
  readonly quantized: ReadonlySet<string>;
  /** Every quantized activation → the representative of its grid (tensors sharing one grid map to one name). */
  readonly grids: ReadonlyMap<string, string>;
  /** Relu/Clip nodes folded into the layer before them. */
  readonly fused: ReadonlyMap<string, FusedActivation>;
  /** Layers the op list named that cannot be quantized, with why. */
  readonly unquantizable: ReadonlyMap<string, string>;
}

function isConstantZero(graph: Graph, name: string | undefined): boolean {
  const t = name ? graph.initializers.get(name) : undefined;
  return t !== undefined && t.data.length === 1 && Number(t.data[0]) === 0;
}

/** Relu, or Clip with min 0 (Relu6): what a grid starting at 0 reproduces. */
function isRectifier(graph: Graph, node: Node): boolean {
  if (node.opType === "Relu") return true;
  if (node.opType !== "Clip") return false;
  const min = node.attributes.min;
  if (min?.type === "float") return min.value === 0;
  return isConstantZero(graph, node.inputs[1]);
}

function floatInitializer(graph: Graph, name: string | undefined): boolean {
  return name !== undefined && graph.initializers.get(name)?.dtype === "float32";
}

/** Why `node` cannot become an integer kernel, or undefined when it can. */
export function unquantizableReason(graph: Graph, node: Node, isFloat: (value: string) => boolean): string | undefined {
  if (node.domain !== "" && node.domain !== "ai.onnx") return `op domain "${node.domain}"`;
  const activations = node.inputs.filter((v) => v !== "" && !graph.initializers.has(v));
  if (!activations.every(isFloat)) return "an input is not float32";
  if (node.opType === "Conv" && !floatInitializer(graph, node.inputs[1])) return "its weight is computed at run time";
  if (node.opType === "Gemm") {
    const int = (a: string) => (node.attributes[a]?.type === "int" ? (node.attributes[a]!.value as number) : 0);
    const flt = (a: string) => (node.attributes[a]?.type === "float" ? (node.attributes[a]!.value as number) : 1);
    if (int("transA") !== 0 || flt("alpha") !== 1 || flt("beta") !== 1) return "Gemm with transA, alpha or beta (QGemm takes the plain form)";
    if (!floatInitializer(graph, node.inputs[1])) return "its weight is computed at run time";
  }
  if (node.opType === "MatMul" && graph.initializers.has(node.inputs[0]!)) return "a constant first operand";
  if ((node.opType === "AveragePool" || node.opType === "GlobalAveragePool") && node.inputs.length !== 1) return "unexpected inputs";
  return undefined;
}

class Grids {
  private readonly parent = new Map<string, string>();
  has(v: string): boolean {
    return this.parent.has(v);
  }
  add(v: string): void {
    if (!this.parent.has(v)) this.parent.set(v, v);
  }
  find(v: string): string {
    let root = v;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(v, root);
    return root;
  }
  tie(a: string, b: string): void {
    this.add(a);
    this.add(b);
    this.parent.set(this.find(b), this.find(a));
  }
  map(): Map<string, string> {
    return new Map([...this.parent.keys()].map((v) => [v, this.find(v)]));
  }
}

export interface PlacementOptions {
  /** Op types to quantize (from COMPUTE_OPS). */
  readonly ops: readonly string[];
  /** Layers to keep float (the latency choice's verdicts, or the user's). */
  readonly keepFloat: ReadonlySet<string>;
  /** Activations asymmetric (uint8, zero point from the range): required to drop Relu. */
  readonly asymmetric: boolean;
  /** Whether a value is float32 (from shape inference). */
  readonly isFloat: (value: string) => boolean;
}

export function placeQdq(graph: Graph, o: PlacementOptions): QdqPlan {
  const outputs = new Set(graph.outputs.map((v) => v.name));
  const readers = new Map<string, Node[]>();
  for (const n of graph.nodes) for (const v of n.inputs) if (v !== "") readers.set(v, [...(readers.get(v) ?? []), n]);
  const wanted = new Set(o.ops);
  const quantized = new Set<string>();
  const unquantizable = new Map<string, string>();
  const fused = new Map<string, FusedActivation>();
  const grids = new Grids();
  const activation = (v: string) => v !== "" && !graph.initializers.has(v) && o.isFloat(v) && !outputs.has(v);

  for (const node of graph.nodes) {
    if (!wanted.has(node.opType) || o.keepFloat.has(node.name)) continue;
    const reason = unquantizableReason(graph, node, o.isFloat);
    if (reason) {
      unquantizable.set(node.name, reason);
      continue;
    }
    quantized.add(node.name);
    for (const v of node.inputs) if (activation(v)) grids.add(v);
    let out = node.outputs[0]!;
    const next = readers.get(out) ?? [];
    if (o.asymmetric && next.length === 1 && !outputs.has(out) && isRectifier(graph, next[0]!)) {
      fused.set(node.name, { layer: node.name, node: next[0]!.name, output: next[0]!.outputs[0]! });
      out = next[0]!.outputs[0]!;
    }
    if (activation(out)) grids.add(out);
  }

  // Grid-sharing ops: backwards first (an output a layer reads gives its input the same grid),
  // then forwards (an op reading a quantized value runs on the integers).
  const sameGrid = graph.nodes.filter((n) => SAME_GRID_OPS.has(n.opType) && (n.domain === "" || n.domain === "ai.onnx"));
  for (const node of [...sameGrid].reverse()) {
    const [input, output] = [node.inputs[0]!, node.outputs[0]!];
    if (grids.has(output) && activation(input) && node.outputs.length === 1) grids.tie(input, output);
  }
  for (const node of sameGrid) {
    const [input, output] = [node.inputs[0]!, node.outputs[0]!];
    if (grids.has(input) && activation(output) && node.outputs.length === 1) grids.tie(input, output);
  }
  return { quantized, grids: grids.map(), fused, unquantizable };
}
