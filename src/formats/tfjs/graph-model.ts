// TF.js graph models on disk: write (ONNX Graph → model.json + shards) and
// read (model.json + shards → ONNX Graph).
import { FormatError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import { readModelJson, readShards, writeModelFolder } from "./files.js";
import { decodeGraphModel } from "./graph-reader/read.js";
import { encodeGraphModel, type GraphModelWriteOptions } from "./graph-writer/write.js";
import type { GraphModelJson } from "./model-json.js";
import { decodeWeights, groupBytes } from "./weights.js";

/** Writes `graph` as a TF.js graph model; `path` is the folder (or its model.json). Returns the model.json path. */
export async function writeTfjsGraphModel(graph: Graph, path: string, options: GraphModelWriteOptions = {}): Promise<string> {
  const { json, shards } = encodeGraphModel(graph, options);
  return writeModelFolder(path, json, shards);
}

/** Reads a TF.js graph model (folder or model.json) as an ONNX Graph. */
export async function readTfjsGraphModel(path: string): Promise<Graph> {
  const { json, dir, file } = await readModelJson(path);
  const model = json as GraphModelJson;
  if (model.format !== undefined && model.format !== "graph-model") throw new FormatError(`${file}: format is "${String(model.format)}", not "graph-model"`, { file });
  const sizes = groupBytes(model.weightsManifest ?? [], file);
  const shards = await readShards(model.weightsManifest ?? [], dir, file, sizes.reduce((a, b) => a + b, 0));
  return decodeGraphModel(model, decodeWeights(model.weightsManifest ?? [], shards, file), file);
}
