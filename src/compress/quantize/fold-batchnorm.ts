// BatchNormalization after a Conv (or Gemm) folded into its weights, before
// quantizing: y = γ·(Wx + b − μ)/√(σ² + ε) + β is a conv with W' = W·γ/√(σ²+ε)
// per output channel and b' = (b − μ)·γ/√(σ²+ε) + β. The folded layer is
// quantized as one, as PyTorch and onnxruntime fold before quantizing.
import { GraphEdit } from "../../graph/edit.js";
import { float32 } from "../../graph/tensor.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";

function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "float" ? a.value : fallback;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "int" ? a.value : fallback;
}

function constant(graph: Graph, name: string | undefined): Float32Array | undefined {
  const t = name ? graph.initializers.get(name) : undefined;
  return t && t.dtype === "float32" ? (t as Tensor<"float32">).data : undefined;
}

/** Per-channel multiplier and shift of an inference-mode BatchNormalization, or undefined if its parameters are not constants. */
function affine(graph: Graph, bn: Node): { scale: Float64Array; shift: Float64Array } | undefined {
  const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((n) => constant(graph, n));
  if (!gamma || !beta || !mean || !variance || bn.outputs.filter((o) => o !== "").length !== 1) return undefined;
  if (intAttr(bn, "training_mode", 0) !== 0) return undefined;
  const eps = floatAttr(bn, "epsilon", 1e-5);
  const scale = Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + eps));
  const shift = Float64Array.from(beta, (b, c) => b - mean[c]! * scale[c]!);
  return { scale, shift };
}

/** The layer whose weight rows are output channels: Conv (axis 0) or Gemm with transB (rows) / without (columns). */
function foldInto(graph: Graph, layer: Node, scale: Float64Array, shift: Float64Array): { weight: Tensor; bias: Tensor } | undefined {
  const w = graph.initializers.get(layer.inputs[1] ?? "");
  if (!w || w.dtype !== "float32") return undefined;
  const data = (w as Tensor<"float32">).data;
  const channels = scale.length;
  const bias = constant(graph, layer.inputs[2]) ?? new Float32Array(channels);
  if (bias.length !== channels) return undefined;
  const out = new Float32Array(data.length);
  if (layer.opType === "Conv" || (layer.opType === "Gemm" && intAttr(layer, "transB", 0) === 1)) {
    if (w.dims[0] !== channels) return undefined;
    const per = data.length / channels;
    for (let i = 0; i < data.length; i++) out[i] = data[i]! * scale[Math.floor(i / per)]!;
  } else {
    if (w.dims[1] !== channels || w.dims.length !== 2) return undefined;
    for (let i = 0; i < data.length; i++) out[i] = data[i]! * scale[i % channels]!;
  }
  const b = Float32Array.from(bias, (v, c) => v * scale[c]! + shift[c]!);
  return { weight: float32(w.dims, out), bias: float32([channels], b) };
}

export interface FoldResult {
  readonly graph: Graph;
  /** "bn1 into conv1", one per fold. */
  readonly folded: readonly string[];
}

export function foldBatchNorm(graph: Graph): FoldResult {
  const edit = new GraphEdit(graph);
  const folded: string[] = [];
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const readers = (value: string) => graph.nodes.filter((n) => n.inputs.includes(value));
  for (const bn of graph.nodes) {
    if (bn.opType !== "BatchNormalization") continue;
    const layer = producer.get(bn.inputs[0]!);
    if (!layer || !(layer.opType === "Conv" || layer.opType === "Gemm") || outputs.has(layer.outputs[0]!) || readers(layer.outputs[0]!).length !== 1) continue;
    if (layer.opType === "Gemm" && (floatAttr(layer, "alpha", 1) !== 1 || floatAttr(layer, "beta", 1) !== 1)) continue;
    // A weight another node reads too cannot change for this one alone.
    if (readers(layer.inputs[1]!).length !== 1) continue;
    const params = affine(graph, bn);
    const result = params && foldInto(graph, layer, params.scale, params.shift);
    if (!result) continue;
    const weight = edit.addInitializer(`${layer.inputs[1]}_folded`, result.weight);
    const bias = edit.addInitializer(`${layer.name || layer.opType}_bias_folded`, result.bias);
    edit.updateNode(layer.name, { inputs: [layer.inputs[0]!, weight, bias], outputs: [bn.outputs[0]!] });
    // The layer produces the BatchNorm's output now: its readers (and a graph output) keep the name.
    edit.removeNode(bn.name, { [bn.outputs[0]!]: bn.outputs[0]! });
    folded.push(`${bn.name} into ${layer.name}`);
  }
  return { graph: folded.length > 0 ? edit.finish({ pruneUnused: true }) : graph, folded };
}
