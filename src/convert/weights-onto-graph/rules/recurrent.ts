// nn.LSTM / nn.GRU / nn.RNN: the exporter writes one ONNX node per layer with
// both directions stacked (W [dirs, gates·H, in], R [dirs, gates·H, H],
// B [dirs, 2·gates·H] = input then hidden biases) and the gates in ONNX's
// order: LSTM i,o,f,c from PyTorch's i,f,g,o; GRU z,r,h from PyTorch's r,z,n.
import type { Node, Tensor } from "../../../graph/types.js";
import type { Module } from "../modules.js";
import { reorderChunks, sameDims, stack } from "../tensor-ops.js";
import type { Assignment, MapContext, Match, NodeRule } from "./types.js";

/** ONNX gate k takes PyTorch's chunk GATE_ORDER[op][k]. */
const GATE_ORDER: Readonly<Record<string, readonly number[]>> = Object.freeze({ LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] });

function layerParams(module: Module, layer: number, directions: number, ctx: MapContext): { leaf: string; tensor: Tensor }[][] | undefined {
  const suffixes = directions === 2 ? ["", "_reverse"] : [""];
  const params = suffixes.map((suffix) =>
    ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((name) => {
      const leaf = `${name}_l${layer}${suffix}`;
      return { leaf, tensor: ctx.modules.free(module, leaf)! };
    }),
  );
  return params.every((p) => p[0]!.tensor && p[1]!.tensor) ? params : undefined;
}

function mapRecurrent(node: Node, candidates: readonly Module[], ctx: MapContext): Match | undefined {
  const [w, r, b] = [1, 2, 3].map((i) => ctx.pending(node, i));
  if (!w || !r) return undefined;
  const order = GATE_ORDER[node.opType]!;
  const [directions, gateRows, inputs] = w.tensor.dims as [number, number, number];
  for (const module of candidates) {
    // The node's layer is the first one of this module not yet used.
    const layer = [...Array(16).keys()].find((k) => ctx.modules.free(module, `weight_ih_l${k}`) !== undefined);
    if (layer === undefined) continue;
    const params = layerParams(module, layer, directions, ctx);
    if (!params || !sameDims(params[0]![0]!.tensor.dims, [gateRows, inputs]) || !sameDims(params[0]![1]!.tensor.dims, r.tensor.dims.slice(1))) continue;
    const key = (leaf: string) => module.keys.get(leaf)!;
    const gates = (t: Tensor) => reorderChunks(t, order);
    const note = `gates reordered to ONNX's ${node.opType === "LSTM" ? "i,o,f,c" : node.opType === "GRU" ? "z,r,h" : "order"}${directions === 2 ? ", directions stacked" : ""}`;
    const assignments: Assignment[] = [
      { slot: w.name, value: stack(params.map((d) => gates(d[0]!.tensor)), w.tensor.dims), keys: params.map((d) => key(d[0]!.leaf)), note },
      { slot: r.name, value: stack(params.map((d) => gates(d[1]!.tensor)), r.tensor.dims), keys: params.map((d) => key(d[1]!.leaf)), note },
    ];
    if (b) {
      if (!params.every((d) => d[2]!.tensor && d[3]!.tensor)) continue;
      const parts = params.flatMap((d) => [gates(d[2]!.tensor), gates(d[3]!.tensor)]);
      assignments.push({ slot: b.name, value: stack(parts, b.tensor.dims), keys: params.flatMap((d) => [key(d[2]!.leaf), key(d[3]!.leaf)]), note });
    }
    return { module, leaf: `weight_ih_l${layer}`, assignments };
  }
  return undefined;
}

export const RECURRENT_RULE: NodeRule = { opTypes: ["LSTM", "GRU", "RNN"], map: mapRecurrent };
