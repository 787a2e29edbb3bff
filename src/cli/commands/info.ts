// compactor info <model> — what a model file holds: inputs and outputs with
// shapes, the op histogram, parameter/MAC/byte counts and the opset.
import { readOnnx } from "../../formats/onnx/index.js";
import { summarize } from "../../graph/counts.js";
import { onnxOpset, type ValueInfo } from "../../graph/types.js";
import { table, tableText } from "../../display/table.js";
import { humanBytes, humanCount } from "../../display/summary.js";
import type { Command } from "../command.js";
import { shapeText } from "../options.js";

function valueJson(v: ValueInfo) {
  return { name: v.name, dtype: v.dtype, shape: v.shape ? [...v.shape] : null };
}

export const infoCommand: Command = {
  name: "info",
  summary: "show a model's inputs, outputs, op histogram, parameters, MACs, bytes and opset",
  usage: "info <model.onnx>",
  help: [],
  options: {},
  positionals: [1, 1],
  async run(input) {
    const modelPath = input.positionals[0]!;
    const graph = await readOnnx(modelPath);
    const summary = summarize(graph);
    const histogram: Record<string, number> = {};
    for (const node of graph.nodes) {
      const op = node.domain ? `${node.domain}.${node.opType}` : node.opType;
      histogram[op] = (histogram[op] ?? 0) + 1;
    }
    const ops = Object.entries(histogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const json = {
      model: modelPath,
      name: graph.name,
      producer: graph.meta.producerName ? `${graph.meta.producerName} ${graph.meta.producerVersion}`.trim() : "",
      opset: onnxOpset(graph),
      opsets: graph.opsets,
      inputs: graph.inputs.map(valueJson),
      outputs: graph.outputs.map(valueJson),
      nodes: graph.nodes.length,
      ops: Object.fromEntries(ops),
      params: summary.params,
      macs: summary.macs,
      bytes: summary.bytes,
    };
    const io = (kind: string, values: readonly ValueInfo[]) =>
      values.map((v) => ({ kind, name: v.name, dtype: v.dtype, shape: shapeText(v.shape) }));
    const text = [
      `${modelPath}: graph "${graph.name}"${json.producer ? ` from ${json.producer}` : ""}, opset ${json.opset}`,
      tableText(table([...io("input", graph.inputs), ...io("output", graph.outputs)])),
      `params ${humanCount(summary.params)} (${summary.params}) · MACs ${humanCount(summary.macs)} · size ${humanBytes(summary.bytes)} · ${graph.nodes.length} nodes`,
      tableText(table(ops.map(([op, count]) => ({ op, count })), { title: "ops" })),
    ].join("\n");
    return { json, text };
  },
};
