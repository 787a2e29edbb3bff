// TF.js graph models on disk: write (ONNX Graph → model.json + shards) and
// read (model.json + shards → ONNX Graph).
import type { Graph } from "../../graph/types.js";
import { writeModelFolder } from "./files.js";
import { encodeGraphModel, type GraphModelWriteOptions } from "./graph-writer/write.js";

/** Writes `graph` as a TF.js graph model; `path` is the folder (or its model.json). Returns the model.json path. */
export async function writeTfjsGraphModel(graph: Graph, path: string, options: GraphModelWriteOptions = {}): Promise<string> {
  const { json, shards } = encodeGraphModel(graph, options);
  return writeModelFolder(path, json, shards);
}
