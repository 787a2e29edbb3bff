// Writes a QDQ plan into the graph: a QuantizeLinear→DequantizeLinear pair on
// every planned activation (one scale and zero point per grid), int8 weights
// per output channel behind a DequantizeLinear, biases as int32 with scale
// x_scale·w_scale (what QLinearConv and QGemm take), constant operands of
// Add/Mul/Concat on their own uint8 grid, and the fused Relus removed.
import { GraphEdit } from "../../graph/edit.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Graph, Node, Tensor } from "../../graph/types.js";
import { onnxOpset } from "../../graph/types.js";
import { upgradeOpset } from "../../graph/upgrade-opset.js";
import { addDequantizedWeight, opsetFor } from "./dequantize-weight.js";
import { int8WeightType, quantType, roundHalfEven, scaleZeroPoint, type QuantType, type ScaleZeroPoint } from "./grid.js";
import type { QuantizedWeight } from "./histogram-source.js";
import type { LayerRow, TensorGrid } from "./layer-report.js";
import { weightGrid } from "./layer-report.js";
import type { QdqPlan } from "./qdq-placement.js";
import { quantizeTensor, type QuantizedTensor } from "./quantize-tensor.js";
import type { ObservedRange } from "./calibrate.js";
import { weightSlot } from "./weight-axes.js";

export interface StaticPassOptions {
  readonly perChannel: boolean;
  /** Activations on a symmetric int8 grid (zero point 0) instead of asymmetric uint8. */
  readonly symmetric: boolean;
  /** Weights on [-64, 64] instead of [-127, 127] (int8WeightType). */
  readonly reduceRange: boolean;
}

export interface GridParams extends ScaleZeroPoint {
  readonly type: QuantType;
  readonly range: readonly [number, number];
}

export interface StaticPassResult {
  readonly graph: Graph;
  readonly layers: LayerRow[];
  readonly weights: QuantizedWeight[];
  /** Grid of every quantized activation (by its float name). */
  readonly params: ReadonlyMap<string, GridParams>;
  /** Quantized activation → the QuantizeLinear output carrying its integers. */
  readonly quantizedValue: ReadonlyMap<string, string>;
}

const INT32_MAX = 2 ** 31 - 1;

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_") || "value";
}

/** One grid per representative, covering every member's range. */
function gridParams(plan: QdqPlan, ranges: ReadonlyMap<string, ObservedRange>, o: StaticPassOptions): Map<string, GridParams> {
  const type = o.symmetric ? quantType(8, true) : quantType(8, false);
  const spans = new Map<string, [number, number]>();
  for (const [value, rep] of plan.grids) {
    const r = ranges.get(value)?.range ?? [0, 0];
    const s = spans.get(rep) ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    spans.set(rep, [Math.min(s[0], r[0]), Math.max(s[1], r[1])]);
  }
  const byRep = new Map([...spans].map(([rep, [lo, hi]]) => [rep, { ...scaleZeroPoint(lo, hi, type, o.symmetric), type, range: [lo, hi] as const }]));
  return new Map([...plan.grids].map(([value, rep]) => [value, byRep.get(rep)!]));
}

function activationGrid(name: string, p: GridParams): TensorGrid {
  return { name, bits: 8, dtype: p.type.dtype, granularity: "per tensor", scale: [p.scale, p.scale], zeroPoint: [p.zeroPoint, p.zeroPoint], range: p.range };
}

/** int32 bias on the grid x_scale·w_scale[c], zero point 0. */
function quantizedBias(bias: Float32Array, inputScale: number, weight: QuantizedTensor): { values: Int32Array; scale: Float32Array } {
  const perChannel = weight.scale.length === bias.length;
  const scale = Float32Array.from(bias, (_, c) => inputScale * weight.scale[perChannel ? c : 0]!);
  const values = Int32Array.from(bias, (b, c) => Math.max(-INT32_MAX, Math.min(INT32_MAX, roundHalfEven(b / scale[c]!))));
  return { values, scale };
}

export function emitQdq(graph: Graph, plan: QdqPlan, ranges: ReadonlyMap<string, ObservedRange>, o: StaticPassOptions, candidates: readonly Node[]): StaticPassResult {
  const edit = new GraphEdit(graph);
  const params = gridParams(plan, ranges, o);
  const layers: LayerRow[] = [];
  const weights: QuantizedWeight[] = [];
  const storedWeights = new Map<string, { dq: string; q: QuantizedTensor }>();
  /** Float initializers replaced by integer ones: dropped at the end unless something else reads them. */
  const replaced = new Set<string>();
  let opset = onnxOpset(graph);
  const outputOf = (node: Node) => plan.fused.get(node.name)?.output ?? node.outputs[0]!;

  for (const f of plan.fused.values()) {
    edit.updateNode(f.layer, { outputs: [f.output] });
    edit.removeNode(f.node, { [f.output]: f.output });
  }

  for (const node of graph.nodes) {
    if (!plan.quantized.has(node.name)) continue;
    const current = edit.node(node.name);
    const inputs = [...current.inputs];
    const slot = node.opType === "Add" || node.opType === "Mul" || node.opType === "Concat" ? undefined : weightSlot(graph, node);
    let weightRow: TensorGrid | undefined;
    if (slot) {
      const name = inputs[slot.input]!;
      let stored = storedWeights.get(name);
      if (!stored) {
        const w = graph.initializers.get(name) as Tensor<"float32">;
        const q = quantizeTensor(w.data, w.dims, int8WeightType(o.reduceRange), o.perChannel ? { kind: "axis", axis: slot.channelAxis } : { kind: "tensor" }, true);
        stored = { dq: addDequantizedWeight(edit, `${safe(name)}`, q), q };
        storedWeights.set(name, stored);
        weights.push({ layer: node.name, original: w.data, quantized: q });
        opset = Math.max(opset, opsetFor(q));
      }
      inputs[slot.input] = stored.dq;
      weightRow = weightGrid(name, (graph.initializers.get(name) as Tensor<"float32">).data, stored.q);
      const biasName = node.opType === "Conv" || node.opType === "Gemm" ? inputs[2] : undefined;
      const bias = biasName ? graph.initializers.get(biasName) : undefined;
      const inputGrid = params.get(node.inputs[0]!);
      if (bias && bias.dtype === "float32" && bias.dims.length === 1 && inputGrid) {
        const qb = quantizedBias(bias.data as Float32Array, inputGrid.scale, stored.q);
        const base = `${safe(node.name)}_bias`;
        const values = edit.addInitializer(`${base}_quantized`, makeTensor("int32", bias.dims, qb.values));
        const scale = edit.addInitializer(`${base}_scale`, makeTensor("float32", bias.dims, qb.scale));
        const zero = edit.addInitializer(`${base}_zero_point`, makeTensor("int32", bias.dims, new Int32Array(bias.data.length)));
        const out = edit.freshName(`${base}_dequantized`);
        edit.addNode({ name: edit.freshName(`${base}_DequantizeLinear`), opType: "DequantizeLinear", inputs: [values, scale, zero], outputs: [out], attributes: { axis: { type: "int", value: 0 } } });
        replaced.add(inputs[2]!);
        inputs[2] = out;
        opset = Math.max(opset, 13);
      }
    } else {
      // Constant operands of Add/Mul/Concat get their own uint8 grid.
      inputs.forEach((v, i) => {
        const t = graph.initializers.get(v);
        if (!t || t.dtype !== "float32") return;
        const q = quantizeTensor(t.data as Float32Array, t.dims, quantType(8, false), { kind: "tensor" }, false);
        inputs[i] = addDequantizedWeight(edit, `${safe(v)}_${safe(node.name)}`, q);
        replaced.add(v);
      });
    }
    edit.updateNode(node.name, { inputs });
    const out = params.get(outputOf(node));
    layers.push({
      layer: node.name,
      op: node.opType,
      ...(weightRow ? { weight: weightRow } : {}),
      ...(out ? { activation: activationGrid(outputOf(node), out) } : {}),
      format: "QDQ",
      choice: "int8",
      reason: plan.fused.has(node.name) ? `int8, ${graph.nodes.find((n) => n.name === plan.fused.get(node.name)!.node)!.opType} folded into its output grid` : "int8",
    });
  }

  const quantizedValue = new Map<string, string>();
  const scales = new Map<GridParams, { scale: string; zeroPoint: string }>();
  for (const [value, p] of params) {
    let init = scales.get(p);
    if (!init) {
      const base = safe(value);
      const zp = p.type.dtype === "uint8" ? Uint8Array.of(p.zeroPoint) : Int8Array.of(p.zeroPoint);
      init = { scale: edit.addInitializer(`${base}_scale`, makeTensor("float32", [], Float32Array.of(p.scale))), zeroPoint: edit.addInitializer(`${base}_zero_point`, makeTensor(p.type.dtype, [], zp as never)) };
      scales.set(p, init);
    }
    const q = edit.freshName(`${safe(value)}_quantized`);
    const dq = edit.freshName(`${safe(value)}_dequantized`);
    const qNode = edit.addNode({ name: edit.freshName(`${safe(value)}_QuantizeLinear`), opType: "QuantizeLinear", inputs: [value, init.scale, init.zeroPoint], outputs: [q] });
    edit.addNode({ name: edit.freshName(`${safe(value)}_DequantizeLinear`), opType: "DequantizeLinear", inputs: [q, init.scale, init.zeroPoint], outputs: [dq] });
    edit.rewire(value, dq, { except: [qNode.name], graphOutputs: false });
    quantizedValue.set(value, q);
  }

  for (const node of candidates) {
    if (plan.quantized.has(node.name)) continue;
    layers.push({ layer: node.name, op: node.opType, choice: "float", reason: plan.unquantizable.get(node.name) ?? "kept float" });
  }
  for (const name of [...storedWeights.keys(), ...replaced]) if (edit.consumersOf(name).length === 0 && !graph.outputs.some((v) => v.name === name)) edit.removeInitializer(name);
  let out = edit.finish();
  if (opset > onnxOpset(out)) out = upgradeOpset(out, opset);
  const order = new Map(graph.nodes.map((n, i) => [n.name, i]));
  layers.sort((a, b) => order.get(a.layer)! - order.get(b.layer)!);
  return { graph: out, layers, weights, params, quantizedValue };
}
