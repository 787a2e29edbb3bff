// Where each op keeps its weight and which axes matter for quantizing it: the
// output-channel axis (one scale per channel) and the reduction axis (blocks of
// consecutive inputs share a scale). Ops absent here carry no weight we quantize.
import type { Graph, Node } from "../../graph/types.js";

export interface WeightSlot {
  /** Input index of the weight. */
  readonly input: number;
  /** Axis with one scale per index under per-channel quantization. */
  readonly channelAxis: number;
  /** Axis blocks run along (the reduction axis). */
  readonly blockAxis: number;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "int" ? a.value : fallback;
}

/** Ops whose weights quantize.weights and quantize.static store as integers. */
export const WEIGHT_OPS = ["Conv", "ConvTranspose", "Gemm", "MatMul", "Gather"] as const;
export type WeightOp = (typeof WEIGHT_OPS)[number];

/** The weight slot of `node` when its weight is a float initializer of a shape we handle, else undefined. */
export function weightSlot(graph: Graph, node: Node): WeightSlot | undefined {
  if (node.domain !== "" && node.domain !== "ai.onnx") return undefined;
  const slot = slotFor(node);
  if (!slot) return undefined;
  const name = node.inputs[slot.input];
  const w = name ? graph.initializers.get(name) : undefined;
  if (!w || w.dtype !== "float32") return undefined;
  const rank = w.dims.length;
  if (node.opType === "MatMul") return rank >= 2 ? { input: 1, channelAxis: rank - 1, blockAxis: rank - 2 } : undefined;
  if (node.opType === "Gather") return rank === 2 && intAttr(node, "axis", 0) === 0 ? slot : undefined;
  if (node.opType === "Gemm") return rank === 2 ? slot : undefined;
  return rank >= 3 ? slot : undefined;
}

function slotFor(node: Node): WeightSlot | undefined {
  switch (node.opType) {
    case "Conv":
      return { input: 1, channelAxis: 0, blockAxis: 1 };
    case "ConvTranspose":
      return { input: 1, channelAxis: 1, blockAxis: 0 };
    case "Gemm":
      return intAttr(node, "transB", 0) === 1 ? { input: 1, channelAxis: 0, blockAxis: 1 } : { input: 1, channelAxis: 1, blockAxis: 0 };
    case "MatMul":
      return { input: 1, channelAxis: 1, blockAxis: 0 };
    case "Gather":
      // An embedding table: one row per token, blocks along the embedding.
      return { input: 0, channelAxis: 0, blockAxis: 1 };
    default:
      return undefined;
  }
}
