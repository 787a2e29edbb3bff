// The latency-aware float/int8 choice: each candidate layer is timed in
// onnxruntime, on this machine, at the deployment batch, three ways —
//   float:  the layer as it was;
//   int8:   the layer as it runs in the all-int8 model (QDQ fused into an
//           integer kernel, integer input and output);
//   island: the layer kept float between int8 neighbours, i.e. with the
//           DequantizeLinear before and the QuantizeLinear after it that this
//           costs —
// and it stays float when the island is faster than the int8 kernel. Whether
// int8 pays depends on the CPU (VNNI or not) and the layer (depthwise conv on
// AVX2 is slow in int8), so nothing here is assumed: it is measured.
import type { Graph, Node } from "../../graph/types.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import { createOrtSession } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { measureInterleaved } from "../../cli/timing.js";
import type { QdqPlan } from "./qdq-placement.js";
import { sliceGraph } from "./slice-graph.js";
import type { StaticPassResult } from "./static-pass.js";

export interface LayerTiming {
  readonly layer: string;
  readonly floatMs: number;
  readonly int8Ms: number;
  readonly islandMs: number;
  /** int8 when its kernel beats the float island. */
  readonly keepInt8: boolean;
}

export interface TimingOptions {
  readonly batch: number;
  readonly runs: number;
}

/** Float activations a layer reads (not constants). */
function activationInputs(graph: Graph, node: Node): string[] {
  return [...new Set(node.inputs.filter((v) => v !== "" && !graph.initializers.has(v)))];
}

/** The float slice with a DequantizeLinear before each quantized input and a QuantizeLinear after a quantized output. */
function island(floatSlice: Graph, quant: StaticPassResult, quantGraph: Graph, ins: readonly string[], out: string, name: string): Graph {
  const qNodes = new Map(quantGraph.nodes.filter((n) => n.opType === "QuantizeLinear").map((n) => [n.inputs[0]!, n]));
  const nodes: Node[] = [];
  const initializers = new Map(floatSlice.initializers);
  const inputs = floatSlice.inputs.map((input) => {
    const q = qNodes.get(input.name);
    if (!q || !ins.includes(input.name)) return input;
    for (const v of q.inputs.slice(1)) initializers.set(v, quantGraph.initializers.get(v)!);
    nodes.push({ name: `${name}_dq_${nodes.length}`, opType: "DequantizeLinear", domain: "", inputs: [q.outputs[0]!, ...q.inputs.slice(1)], outputs: [input.name], attributes: {} });
    return { name: q.outputs[0]!, dtype: quant.params.get(input.name)!.type.dtype, ...(input.shape ? { shape: input.shape } : {}) };
  });
  nodes.push(...floatSlice.nodes);
  let outputs = floatSlice.outputs;
  const qOut = qNodes.get(out);
  if (qOut) {
    for (const v of qOut.inputs.slice(1)) initializers.set(v, quantGraph.initializers.get(v)!);
    nodes.push({ ...qOut, name: `${name}_q` });
    outputs = [{ name: qOut.outputs[0]!, dtype: quant.params.get(out)!.type.dtype, ...(floatSlice.outputs[0]!.shape ? { shape: floatSlice.outputs[0]!.shape } : {}) }];
  }
  return { ...floatSlice, name, nodes, inputs, outputs, initializers };
}

/** Times each quantized layer of `quant` (the all-int8 model) against its float forms. */
export async function timeLayers(
  folded: Graph,
  plan: QdqPlan,
  quant: StaticPassResult,
  o: TimingOptions,
): Promise<LayerTiming[]> {
  const floatTyped = inferShapesWithReport(folded).graph;
  const quantTyped = inferShapesWithReport(quant.graph).graph;
  const timings: LayerTiming[] = [];
  for (const node of folded.nodes) {
    if (!plan.quantized.has(node.name)) continue;
    const out = plan.fused.get(node.name)?.output ?? node.outputs[0]!;
    const ins = activationInputs(folded, node);
    const floatSlice = sliceGraph(floatTyped, ins, [out], `${node.name}_float`);
    const int8Slice = sliceGraph(
      quantTyped,
      ins.map((v) => quant.quantizedValue.get(v) ?? v),
      [quant.quantizedValue.get(out) ?? out],
      `${node.name}_int8`,
    );
    const islandSlice = island(floatSlice, quant, quantTyped, ins, out, `${node.name}_island`);
    const graphs = { float: floatSlice, int8: int8Slice, island: islandSlice };
    const sessions = await Promise.all(Object.values(graphs).map((g) => createOrtSession(g)));
    const feeds = Object.values(graphs).map((g) => randomInputs(g, { seed: 0, batch: o.batch, intMax: 256 }));
    const calls = Object.fromEntries(Object.keys(graphs).map((k, i) => [k, () => sessions[i]!.run(feeds[i]!)])) as Record<keyof typeof graphs, () => Promise<unknown>>;
    const t = await measureInterleaved(calls, { runs: o.runs, warmup: 2, warmupMs: 30 });
    await Promise.all(sessions.map((s) => s.release()));
    timings.push({ layer: node.name, floatMs: t.float.medianMs, int8Ms: t.int8.medianMs, islandMs: t.island.medianMs, keepInt8: t.int8.medianMs <= t.island.medianMs });
  }
  return timings;
}
