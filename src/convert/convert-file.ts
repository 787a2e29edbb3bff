// convert: a read in one format plus a checked write in another, and a table
// of what became what. Model files (ONNX, TF.js) are read as a graph and saved
// through model/save.ts (so every write is checked where a runtime exists);
// weight files (PyTorch, safetensors, npz) either go to another weight format
// tensor for tensor, or, with a graph of the same architecture, onto that
// graph (convert/weights-onto-graph) and then out as a model.
import { readFile } from "node:fs/promises";
import { FormatError, mustBeOneOf, OptionError } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import type { FileFormat } from "../formats/format.js";
import { detectFormat, formatByExtension, formatNamed, formatNames, readModelFile } from "../formats/registry.js";
import { locateModelJson } from "../formats/tfjs/files.js";
import type { GraphModelJson, LayersModelJson } from "../formats/tfjs/model-json.js";
import { bytesOnDisk, saveChecked, verifyWeightsReadBack, type SaveReport } from "../model/save.js";
import { weightsOntoGraph, type WeightsOntoGraphOptions, type WeightsOntoGraphResult } from "./weights-onto-graph/index.js";

export interface ConvertOptions extends WeightsOntoGraphOptions {
  /** Output format name (default: the one the output's extension names). */
  readonly to?: string;
  /** A model file of the weights' architecture: the weights are put onto it. */
  readonly graph?: string;
  /** Largest relative output difference the save check accepts (default 1e-4). */
  readonly tolerance?: number;
}

/** One row of "what became what": an input, output or tensor in the source and its counterpart in the result. */
export interface ConvertRow {
  readonly kind: "input" | "output" | "tensor";
  readonly from: string;
  readonly to: string;
}

export interface ConvertReport {
  readonly input: { readonly path: string; readonly format: string };
  readonly output: SaveReport;
  readonly rows: readonly ConvertRow[];
  /** "12 ONNX nodes → 23 TensorFlow nodes" and the like. */
  readonly summary: string;
  /** Present when weights were put onto a graph. */
  readonly weights?: WeightsOntoGraphResult;
}

const shapeText = (dims: readonly unknown[] | undefined) => (dims === undefined ? " (shape unknown)" : `[${dims.map((d) => d ?? "?").join(", ")}]`);
const tensorText = (name: string, t: Tensor) => `${name} ${t.dtype}${shapeText(t.dims)}`;

/** The formats compactor writes (PyTorch checkpoints are read only). */
export const writableFormats = (): string[] => formatNames().filter((n) => formatNamed(n).writeModel || formatNamed(n).writeWeights);

function outputFormat(path: string, to: string | undefined): FileFormat {
  const writable = writableFormats();
  if (to !== undefined) {
    if (!writable.includes(to)) throw mustBeOneOf("--to", to, writable);
    return formatNamed(to);
  }
  const format = formatByExtension(path);
  if (!format) throw new OptionError(`${path}: cannot tell the output format from its extension; pass --to (one of ${writable.join(", ")})`);
  if (!writable.includes(format.name)) throw new OptionError(`${path}: compactor reads ${format.description} but does not write it; write one of ${writable.join(", ")} (--to)`);
  return format;
}

export async function convertFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  const inFormat = await detectFormat(input);
  if (!inFormat) throw new FormatError(`${input}: no such file or folder`, { file: input });
  const outFormat = outputFormat(output, options.to);
  const saveOptions = { format: outFormat.name, ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}) };
  const source = { path: input, format: inFormat.name };

  if (inFormat.kind === "model") {
    if (options.graph !== undefined) throw new OptionError(`--graph puts weights onto a graph; ${input} is already a model (${inFormat.description})`);
    const graph = await readModelFile(input, inFormat);
    const saved = await saveChecked(graph, output, saveOptions);
    return { input: source, output: saved, ...(await describeWritten(graph, saved, outFormat)) };
  }

  const weights = await inFormat.readWeights!(input);
  if (options.graph !== undefined) {
    const result = weightsOntoGraph(await readModelFile(options.graph), weights, options);
    const saved = await saveChecked(result.graph, output, saveOptions);
    return { input: source, output: saved, weights: result, ...(await describeWritten(result.graph, saved, outFormat)) };
  }
  if (!outFormat.writeWeights) {
    throw new OptionError(
      `${input} holds weights (${inFormat.description}), not a model: writing it as ${outFormat.name} needs the graph. ` +
        `Pass --graph model.onnx (an export of the same architecture), or write weights: ${formatNames("weights").filter((n) => formatNamed(n).writeWeights).join(", ")}`,
    );
  }
  await outFormat.writeWeights(weights, output);
  await verifyWeightsReadBack(weights, output, outFormat);
  const rows = [...weights].map(([name, t]): ConvertRow => ({ kind: "tensor", from: tensorText(name, t), to: tensorText(name, t) }));
  const saved: SaveReport = { path: output, format: outFormat.name, bytes: await bytesOnDisk(output), maxRelativeError: 0 };
  return { input: source, output: saved, rows, summary: `${weights.size} tensors, read back bit for bit` };
}

/** Inputs and outputs of `graph` and what the written file calls them (TF.js: signature nodes, Keras layers and layouts). */
async function describeWritten(graph: Graph, saved: SaveReport, format: FileFormat): Promise<{ rows: ConvertRow[]; summary: string }> {
  const nodes = `${graph.nodes.length} ONNX nodes`;
  const values = [...graph.inputs.map((v) => ({ kind: "input" as const, v })), ...graph.outputs.map((v) => ({ kind: "output" as const, v }))];
  const from = (v: Graph["inputs"][number]) => `${v.name} ${v.dtype}${shapeText(v.shape)}`;
  if (format.kind === "weights") {
    return { rows: [...graph.initializers].map(([name, t]) => ({ kind: "tensor", from: tensorText(name, t), to: tensorText(name, t) })), summary: `${graph.initializers.size} weights, read back bit for bit` };
  }
  if (format.name !== "tfjs" && format.name !== "tfjs-layers") {
    return { rows: values.map(({ kind, v }) => ({ kind, from: from(v), to: v.name })), summary: `${nodes} → ${nodes}` };
  }
  const text = await readFile(await locateModelJson(saved.path), "utf8");
  if (format.name === "tfjs") {
    const json = JSON.parse(text) as GraphModelJson;
    const signature = { input: json.signature?.inputs ?? {}, output: json.signature?.outputs ?? {} };
    const rows = values.map(({ kind, v }) => ({ kind, from: from(v), to: `${v.name} (TF node ${signature[kind][v.name]?.name ?? "?"})` }));
    return { rows, summary: `${nodes} → ${json.modelTopology.node.length} TensorFlow nodes` };
  }
  const json = JSON.parse(text) as LayersModelJson;
  const layout = json.userDefinedMetadata?.compactor as { inputs: { keras: string; layout: string }[]; outputs: { keras: string; layout: string }[] };
  const config = (json.modelTopology.config ?? {}) as { layers?: unknown[] };
  const rows = values.map(({ kind, v }, i) => {
    const k = kind === "input" ? layout.inputs[i] : layout.outputs[i - graph.inputs.length];
    return { kind, from: from(v), to: `Keras ${k?.keras}${k?.layout === "NHWC" ? " (channels-last: NHWC)" : ""}` };
  });
  return { rows, summary: `${nodes} → ${config.layers?.length ?? "?"} Keras layers (${json.modelTopology.class_name})` };
}
