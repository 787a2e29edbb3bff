// The graph pass behind quantize.dynamic, in the form onnxruntime's own dynamic
// quantizer emits and its optimizer fuses (MatMulIntegerToFloat /
// DynamicQuantizeMatMul): each float input is quantized per batch by
// DynamicQuantizeLinear (uint8, range from the batch), weights are int8
// (symmetric, per output channel), MatMulInteger/ConvInteger accumulate in
// int32, and one float Mul by x_scale·w_scale (then the bias) gives the output.
// onnxruntime's ConvInteger takes one weight zero point only: symmetric weights
// have 0 for every channel, and the per-channel scales go into the Mul.
import { GraphEdit } from "../../graph/edit.js";
import { float32, makeTensor } from "../../graph/tensor.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";
import { int8WeightType } from "./grid.js";
import { quantizeTensor } from "./quantize-tensor.js";
import { weightGrid, type LayerRow } from "./layer-report.js";
import type { QuantizedWeight } from "./histogram-source.js";
import { prepareGraph } from "./prepare-graph.js";

export const DYNAMIC_OPS = ["MatMul", "Gemm", "Conv"] as const;

export interface DynamicPassOptions {
  readonly perChannel: boolean;
  readonly ops: readonly string[];
  /** Weights on [-64, 64] instead of [-127, 127] (int8WeightType). */
  readonly reduceRange: boolean;
}

interface Prepared {
  /** Weight as [K, N] for MatMulInteger, or the Conv filter as is. */
  readonly data: Float32Array;
  readonly dims: readonly number[];
  readonly channelAxis: number;
  /** Multiplies the scales (Gemm's alpha). */
  readonly alpha: number;
  /** Float added after the rescale, if any (Gemm's C, Conv's bias). */
  readonly bias?: { readonly name: string; readonly conv: boolean };
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "int" ? a.value : fallback;
}

function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === "float" ? a.value : fallback;
}

function transposed2d(w: Tensor<"float32">): Float32Array {
  const [r, c] = w.dims as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = w.data[i * c + j]!;
  return out;
}

/** The weight as the integer op takes it, or why the node stays float. */
function prepare(graph: Graph, node: Node): Prepared | string {
  const w = graph.initializers.get(node.inputs[1] ?? "");
  if (!w || w.dtype !== "float32") return "no constant float32 weight (its inputs are computed at run time)";
  const t = w as Tensor<"float32">;
  if (node.opType === "MatMul") {
    if (t.dims.length !== 2) return `MatMulInteger here takes a 2-D weight, got [${t.dims.join(", ")}]`;
    return { data: t.data, dims: t.dims, channelAxis: 1, alpha: 1 };
  }
  if (node.opType === "Gemm") {
    if (intAttr(node, "transA", 0) !== 0) return "Gemm with transA";
    const beta = floatAttr(node, "beta", 1);
    const c = node.inputs[2] ?? "";
    if (c !== "" && beta !== 1) return "Gemm with beta ≠ 1";
    const transB = intAttr(node, "transB", 0) === 1;
    const dims = transB ? [t.dims[1]!, t.dims[0]!] : t.dims;
    return { data: transB ? transposed2d(t) : t.data, dims, channelAxis: 1, alpha: floatAttr(node, "alpha", 1), ...(c ? { bias: { name: c, conv: false } } : {}) };
  }
  if (t.dims.length < 3) return `Conv weight of rank ${t.dims.length}`;
  const bias = node.inputs[2] ?? "";
  return { data: t.data, dims: t.dims, channelAxis: 0, alpha: 1, ...(bias ? { bias: { name: bias, conv: true } } : {}) };
}

export function quantizeDynamicPass(source: Graph, o: DynamicPassOptions): { graph: Graph; layers: LayerRow[]; weights: QuantizedWeight[] } {
  const graph = prepareGraph(source);
  const wanted = new Set(o.ops);
  const edit = new GraphEdit(graph);
  const layers: LayerRow[] = [];
  const weights: QuantizedWeight[] = [];
  const quantizedInputs = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  const type = int8WeightType(o.reduceRange);
  const replacedWeights = new Set<string>();
  const storedWeights = new Map<string, { wq: string; wz: string; ws: string }>();
  for (const node of graph.nodes) {
    if (!wanted.has(node.opType)) continue;
    const prepared = prepare(graph, node);
    if (typeof prepared === "string") {
      layers.push({ layer: node.name, op: node.opType, choice: "float", reason: prepared });
      continue;
    }
    const conv = node.opType === "Conv";
    const base = node.name.replace(/[^A-Za-z0-9_]/g, "_") || node.opType;
    const q = quantizeTensor(prepared.data, prepared.dims, type, o.perChannel ? { kind: "axis", axis: prepared.channelAxis } : { kind: "tensor" }, true);
    weights.push({ layer: node.name, original: prepared.data, quantized: q });
    const channels = prepared.dims[prepared.channelAxis]!;
    const rank = graph.initializers.get(node.inputs[1]!)!.dims.length;
    // Scales shaped to broadcast over the output: [N] for MatMul, [1, M, 1, …] for Conv.
    const scaleDims = conv ? [1, channels, ...new Array(rank - 2).fill(1)] : [o.perChannel ? channels : 1];
    const wScale = Float32Array.from(o.perChannel ? q.scale : new Array(channels).fill(q.scale[0]!), (s) => s * prepared.alpha);
    const input = node.inputs[0]!;
    let dq = quantizedInputs.get(input);
    if (!dq) {
      const stem = input.replace(/[^A-Za-z0-9_]/g, "_");
      dq = { q: edit.freshName(`${stem}_quantized`), scale: edit.freshName(`${stem}_scale`), zeroPoint: edit.freshName(`${stem}_zero_point`) };
      edit.addNode({ name: edit.freshName(`${stem}_DynamicQuantizeLinear`), opType: "DynamicQuantizeLinear", inputs: [input], outputs: [dq.q, dq.scale, dq.zeroPoint] });
      quantizedInputs.set(input, dq);
    }
    // A weight shared by several layers (cloned transformer blocks) is stored once per layout.
    const key = `${node.inputs[1]}|${prepared.dims.join(",")}|${prepared.alpha}|${conv}`;
    let stored = storedWeights.get(key);
    if (!stored) {
      stored = {
        wq: edit.addInitializer(`${base}_weight_quantized`, makeTensor("int8", prepared.dims, q.values as Int8Array)),
        wz: edit.addInitializer(`${base}_weight_zero_point`, makeTensor("int8", [], new Int8Array(1))),
        ws: edit.addInitializer(`${base}_weight_scale`, makeTensor("float32", conv ? scaleDims : [o.perChannel ? wScale.length : 1], o.perChannel || conv ? wScale : wScale.subarray(0, 1))),
      };
      storedWeights.set(key, stored);
    }
    const { wq, wz, ws } = stored;
    const acc = edit.freshName(`${base}_int32`);
    const accFloat = edit.freshName(`${base}_int32_float`);
    const scale = edit.freshName(`${base}_output_scale`);
    const output = node.outputs[0]!;
    const scaled = prepared.bias ? edit.freshName(`${base}_scaled`) : output;
    const replacements = [
      conv
        ? { name: node.name, opType: "ConvInteger", inputs: [dq.q, wq, dq.zeroPoint, wz], outputs: [acc], attributes: node.attributes }
        : { name: node.name, opType: "MatMulInteger", inputs: [dq.q, wq, dq.zeroPoint, wz], outputs: [acc] },
      { name: edit.freshName(`${base}_Cast`), opType: "Cast", inputs: [acc], outputs: [accFloat], attributes: { to: { type: "int" as const, value: 1 } } },
      { name: edit.freshName(`${base}_scale_Mul`), opType: "Mul", inputs: [dq.scale, ws], outputs: [scale] },
      { name: edit.freshName(`${base}_Mul`), opType: "Mul", inputs: [accFloat, scale], outputs: [scaled] },
    ];
    if (prepared.bias) {
      let bias = prepared.bias.name;
      if (prepared.bias.conv) {
        const b = graph.initializers.get(bias);
        bias = b ? edit.addInitializer(`${base}_bias`, float32(scaleDims, b.data as Float32Array)) : bias;
      }
      replacements.push({ name: edit.freshName(`${base}_bias_Add`), opType: "Add", inputs: [scaled, bias], outputs: [output] });
    }
    edit.replaceNode(node.name, replacements);
    replacedWeights.add(node.inputs[1]!);
    layers.push({
      layer: node.name,
      op: node.opType,
      weight: weightGrid(node.inputs[1]!, prepared.data, q),
      format: conv ? "DynamicQuantizeLinear → ConvInteger" : "DynamicQuantizeLinear → MatMulInteger",
      choice: "int8",
      reason: `dynamic: "${input}" quantized to uint8 with each batch's range at run time; int8 weights`,
    });
  }
  for (const name of replacedWeights) if (edit.consumersOf(name).length === 0 && !graph.outputs.some((v) => v.name === name)) edit.removeInitializer(name);
  return { graph: edit.finish(), layers, weights };
}
