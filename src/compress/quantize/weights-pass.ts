// The graph pass behind quantize.weights: every weight of the chosen ops is
// stored as int8/int4 — a DequantizeLinear on the integers, or for 4-bit
// MatMul/Gemm onnxruntime's MatMulNBits when this onnxruntime has it. Shared
// weights are quantized once; layers left float are listed with the reason.
import { OptionError } from "../../core/errors.js";
import { GraphEdit } from "../../graph/edit.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";
import { onnxOpset } from "../../graph/types.js";
import { upgradeOpset } from "../../graph/upgrade-opset.js";
import { quantType, type Bits } from "./grid.js";
import { quantizeTensor, type Granularity } from "./quantize-tensor.js";
import { addDequantizedWeight, opsetFor } from "./dequantize-weight.js";
import { MATMUL_NBITS_DOMAIN, addNBitsInitializers, matMulNBitsNode, nbitsBlockOk, quantizeNBits } from "./matmul-nbits.js";
import { describeGranularity, weightGrid, type LayerRow } from "./layer-report.js";
import { WEIGHT_OPS, weightSlot, type WeightSlot } from "./weight-axes.js";
import type { QuantizedWeight } from "./histogram-source.js";
import { prepareGraph } from "./prepare-graph.js";

export const WEIGHT_FORMATS = ["auto", "qdq", "matmulnbits"] as const;
export type WeightFormat = (typeof WEIGHT_FORMATS)[number];

export interface WeightPassOptions {
  readonly bits: Bits;
  readonly perChannel: boolean;
  readonly symmetric: boolean;
  /** Values per scale along the reduction axis; 0 or absent: no blocks. */
  readonly blockSize?: number;
  readonly format: WeightFormat;
  readonly ops: readonly string[];
  /** Whether this onnxruntime has MatMulNBits: true, or why not. */
  readonly nbits: true | string;
}

interface Use {
  readonly node: Node;
  readonly slot: WeightSlot;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "int" ? a.value : fallback;
}

function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "float" ? a.value : fallback;
}

/** Why one MatMul/Gemm cannot take its weight through MatMulNBits, or undefined when it can. */
function nbitsNodeObstacle(graph: Graph, node: Node): string | undefined {
  const w = graph.initializers.get(node.inputs[1]!)!;
  if (node.opType === "MatMul") return w.dims.length === 2 ? undefined : "MatMulNBits takes a 2-D weight";
  if (node.opType !== "Gemm") return `MatMulNBits replaces MatMul and Gemm, not ${node.opType}`;
  if (intAttr(node, "transA", 0) !== 0 || floatAttr(node, "alpha", 1) !== 1 || floatAttr(node, "beta", 1) !== 1) return "Gemm with transA, alpha or beta";
  const bias = node.inputs[2] ? graph.initializers.get(node.inputs[2]) : undefined;
  const n = intAttr(node, "transB", 0) === 1 ? w.dims[0]! : w.dims[1]!;
  if (node.inputs[2] && !(bias && bias.dtype === "float32" && bias.data.length === n)) return "Gemm's bias is not a constant of N values";
  return undefined;
}

/** Reads the weight as [N, K] (rows are outputs): Gemm with transB. */
function rowsFirst(node: Node): boolean {
  return node.opType === "Gemm" && intAttr(node, "transB", 0) === 1;
}

/** Why a weight cannot go to MatMulNBits, or undefined when it can (every reader must take it the same way). */
function nbitsObstacle(graph: Graph, uses: readonly Use[], o: WeightPassOptions): string | undefined {
  if (o.bits !== 4) return "MatMulNBits is for 4-bit weights";
  if (o.nbits !== true) return `this onnxruntime has no MatMulNBits (${o.nbits.split("\n")[0]})`;
  if (!nbitsBlockOk(o.blockSize ?? 0)) return `MatMulNBits needs a power-of-two blockSize ≥ 16, got ${o.blockSize ?? "none"}`;
  for (const { node } of uses) {
    const obstacle = nbitsNodeObstacle(graph, node);
    if (obstacle) return uses.length > 1 ? `a reader of the shared weight: ${obstacle}` : obstacle;
  }
  if (new Set(uses.map((u) => rowsFirst(u.node))).size > 1) return "its readers take the weight in different orientations";
  return undefined;
}

/** [N, K] rows-are-outputs copy of a MatMul/Gemm weight. */
function rowsAreOutputs(node: Node, w: Tensor<"float32">): { data: Float32Array; n: number; k: number } {
  if (rowsFirst(node)) return { data: w.data, n: w.dims[0]!, k: w.dims[1]! };
  const [k, n] = w.dims as [number, number];
  const data = new Float32Array(n * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) data[j * k + i] = w.data[i * n + j]!;
  return { data, n, k };
}

/** One granularity every use agrees on, or per tensor when they disagree. */
function granularityFor(uses: readonly Use[], o: WeightPassOptions): { granularity: Granularity; note?: string } {
  const axes = new Set(uses.map((u) => (o.blockSize ? u.slot.blockAxis : u.slot.channelAxis)));
  if (axes.size > 1) return { granularity: { kind: "tensor" }, note: "per tensor: its readers disagree on the channel axis" };
  const axis = [...axes][0]!;
  if (o.blockSize) return { granularity: { kind: "block", axis, blockSize: o.blockSize } };
  return { granularity: o.perChannel ? { kind: "axis", axis } : { kind: "tensor" } };
}

export interface WeightPassResult {
  readonly graph: Graph;
  readonly layers: LayerRow[];
  readonly weights: QuantizedWeight[];
}

export function quantizeWeightsPass(source: Graph, o: WeightPassOptions): WeightPassResult {
  const graph = prepareGraph(source);
  const wanted = new Set(o.ops);
  const uses = new Map<string, Use[]>();
  const layers: LayerRow[] = [];
  const weights: QuantizedWeight[] = [];
  for (const node of graph.nodes) {
    if (!wanted.has(node.opType)) continue;
    const slot = weightSlot(graph, node);
    if (!slot) {
      // A Gather of computed data is indexing (shapes, tokens), not a layer with a weight.
      if (node.opType === "Gather") continue;
      layers.push({ layer: node.name, op: node.opType, choice: "float", reason: "no constant float32 weight (its inputs are computed at run time)" });
      continue;
    }
    const name = node.inputs[slot.input]!;
    uses.set(name, [...(uses.get(name) ?? []), { node, slot }]);
  }
  const edit = new GraphEdit(graph);
  let opset = onnxOpset(graph);
  let usesNBits = false;
  const forced = o.format === "matmulnbits";
  for (const [name, readers] of uses) {
    const w = graph.initializers.get(name) as Tensor<"float32">;
    const base = name.replace(/[^A-Za-z0-9_]/g, "_");
    const obstacle = o.format === "qdq" ? "format qdq" : nbitsObstacle(graph, readers, o);
    if (forced && obstacle && o.nbits !== true) throw new OptionError(`quantize.weights: format "matmulnbits" asked for, but ${obstacle}`);
    if (!obstacle) {
      const { data, n, k } = rowsAreOutputs(readers[0]!.node, w);
      const nb = quantizeNBits(data, n, k, o.blockSize!, o.symmetric);
      const stored = addNBitsInitializers(edit, base, nb);
      usesNBits = true;
      weights.push({ layer: readers[0]!.node.name, original: data, quantized: nb.quantized });
      for (const { node } of readers) {
        const bias = node.opType === "Gemm" && node.inputs[2] ? node.inputs[2] : undefined;
        edit.replaceNode(node.name, [matMulNBitsNode(stored, nb, { input: node.inputs[0]!, output: node.outputs[0]!, name: node.name, ...(bias ? { bias } : {}) })]);
        layers.push({
          layer: node.name,
          op: node.opType,
          weight: { ...weightGrid(name, w.data, nb.quantized), dtype: "uint4", granularity: describeGranularity(nb.quantized) },
          format: "MatMulNBits (com.microsoft)",
          choice: "int4",
          reason: `weight-only: 4-bit blocks, dequantized inside onnxruntime's MatMulNBits kernel${readers.length > 1 ? ` (weight shared by ${readers.length} layers, stored once)` : ""}`,
        });
      }
    } else {
      const { granularity, note } = granularityFor(readers, o);
      const type = quantType(o.bits, o.symmetric);
      const q = quantizeTensor(w.data, w.dims, type, granularity, o.symmetric);
      const dq = addDequantizedWeight(edit, base, q);
      for (const { node } of readers) edit.updateNode(node.name, { inputs: node.inputs.map((v) => (v === name ? dq : v)) });
      opset = Math.max(opset, opsetFor(q));
      weights.push({ layer: readers[0]!.node.name, original: w.data, quantized: q });
      for (const { node } of readers) {
        layers.push({
          layer: node.name,
          op: node.opType,
          weight: weightGrid(name, w.data, q),
          format: "DequantizeLinear",
          choice: o.bits === 4 ? "int4" : "int8",
          reason: `weight-only${note ? `, ${note}` : ""}${o.bits === 4 && (node.opType === "MatMul" || node.opType === "Gemm") && o.format !== "qdq" ? `; not MatMulNBits: ${obstacle}` : ""}`,
        });
      }
    }
    // Another reader (not a weight slot) keeps the float copy: correct, if not smaller.
    if (edit.consumersOf(name).length === 0 && !graph.outputs.some((v) => v.name === name)) edit.removeInitializer(name);
  }
  let out = edit.finish();
  if (usesNBits) out = { ...out, opsets: { ...out.opsets, [MATMUL_NBITS_DOMAIN]: out.opsets[MATMUL_NBITS_DOMAIN] ?? 1 } };
  if (opset > onnxOpset(out)) out = upgradeOpset(out, opset);
  return { graph: out, layers: orderLike(graph, layers), weights };
}

function orderLike(graph: Graph, layers: LayerRow[]): LayerRow[] {
  const index = new Map(graph.nodes.map((n, i) => [n.name, i]));
  return [...layers].sort((a, b) => index.get(a.layer)! - index.get(b.layer)!);
}

export { WEIGHT_OPS };
