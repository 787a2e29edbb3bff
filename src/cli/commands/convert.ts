// compactor convert <in> <out> [--to FORMAT] [--graph g.onnx] — a model or
// weights file in any registered format (found by content) to another, saved
// with its check, printing what became what. With --graph, a PyTorch
// state_dict (or safetensors) is put onto an exported graph of the same
// architecture first.
import { OptionError } from "../../core/errors.js";
import { convertFile, writableFormats } from "../../convert/convert-file.js";
import { mappingTable } from "../../convert/weights-onto-graph/index.js";
import { table, tableText } from "../../display/table.js";
import type { Command } from "../command.js";
import { numberOption, stringOption } from "../options.js";

export const convertCommand: Command = {
  name: "convert",
  summary: "convert models (ONNX, TF.js graph/layers) and weights (PyTorch .pt, safetensors, npz) between formats",
  usage: "convert <in> <out> [--to onnx|tfjs|tfjs-layers|safetensors|npz] [--graph g.onnx]\n       compactor convert model.pt --graph model.onnx -o out.onnx",
  help: [
    ["-o, --output <path>", "where to write (or give it as the second argument); TF.js models are folders"],
    ["--to FORMAT", `output format: ${writableFormats().join(", ")} (default: from the output's extension)`],
    ["--graph <model>", "put the input's weights onto this exported graph of the same architecture"],
    ["--prefix P", "strip this state_dict key prefix (default: the one that fits)"],
    ["--bn-eps E", "ε of BatchNorms the export folded into convs (default 1e-5)"],
    ["--allow-unused", "accept state_dict entries that map to nothing"],
    ["--tolerance T", "largest relative output difference the save check accepts (default 1e-4)"],
  ],
  options: {
    output: { type: "string", short: "o" },
    to: { type: "string" },
    graph: { type: "string" },
    prefix: { type: "string" },
    "bn-eps": { type: "string" },
    "allow-unused": { type: "boolean" },
    tolerance: { type: "string" },
  },
  positionals: [1, 2],
  async run(input) {
    const [from, second] = input.positionals as [string, string | undefined];
    const flag = stringOption(input, "output");
    if (second !== undefined && flag !== undefined) throw new OptionError(`give the output once: as the second argument (${second}) or -o (${flag})`);
    const output = second ?? flag;
    if (output === undefined) throw new OptionError("compactor convert needs an output: convert <in> <out>, or -o <out>");
    const graph = stringOption(input, "graph");
    const prefix = stringOption(input, "prefix");
    const to = stringOption(input, "to");
    const report = await convertFile(from, output, {
      ...(to !== undefined ? { to } : {}),
      ...(graph !== undefined ? { graph } : {}),
      ...(prefix !== undefined ? { prefix } : {}),
      ...(input.values["bn-eps"] !== undefined ? { batchNormEpsilon: numberOption(input, "bn-eps", 1e-5) } : {}),
      ...(input.values["allow-unused"] === true ? { allowUnused: true } : {}),
      ...(input.values.tolerance !== undefined ? { tolerance: numberOption(input, "tolerance", 1e-4) } : {}),
    });
    const json = {
      input: report.input,
      output: report.output,
      summary: report.summary,
      mapped: report.rows,
      ...(report.weights ? { weights: report.weights.mapping, ignored: report.weights.ignored, foldedBatchNorms: report.weights.foldedBatchNorms } : {}),
    };
    const parts = [];
    if (report.weights) parts.push(tableText(mappingTable(report.weights)));
    parts.push(tableText(table(report.rows.map((r) => ({ ...r })), { title: `${report.input.path} (${report.input.format}) → ${report.output.path} (${report.output.format}): ${report.summary}` })));
    const check = report.output.format === "safetensors" || report.output.format === "npz" ? "read back bit for bit" : `max relative error vs onnxruntime ${report.output.maxRelativeError.toExponential(2)}`;
    parts.push(`saved ${report.output.path} (${report.output.bytes} bytes, ${check})`);
    return { json, text: parts.join("\n") };
  },
};
