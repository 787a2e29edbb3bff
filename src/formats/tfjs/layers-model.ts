// TF.js layers models on disk: read (Keras topology + shards → ONNX Graph)
// and write (a layer-stack ONNX Graph → Keras topology + shards).
import { FormatError } from "../../core/errors.js";
import type { Graph } from "../../graph/types.js";
import { readModelJson, readShards, writeModelFolder } from "./files.js";
import { decodeLayersModel } from "./layers-reader/read.js";
import { encodeLayersModel, type LayersModelWriteOptions } from "./layers-writer/write.js";
import type { LayersModelJson } from "./model-json.js";
import { decodeWeights, groupBytes } from "./weights.js";

/** Reads a TF.js layers model (folder or model.json) as an ONNX Graph taking the Keras model's inputs. */
export async function readTfjsLayersModel(path: string): Promise<Graph> {
  const { json, dir, file } = await readModelJson(path);
  const model = json as LayersModelJson;
  if (model.format !== undefined && model.format !== "layers-model") throw new FormatError(`${file}: format is "${String(model.format)}", not "layers-model"`, { file });
  const sizes = groupBytes(model.weightsManifest ?? [], file);
  const shards = await readShards(model.weightsManifest ?? [], dir, file, sizes.reduce((a, b) => a + b, 0));
  return decodeLayersModel(model, decodeWeights(model.weightsManifest ?? [], shards, file), file);
}

/** Writes `graph` as a TF.js layers model (Keras topology, channels-last); returns the model.json path. */
export async function writeTfjsLayersModel(graph: Graph, path: string, options: LayersModelWriteOptions = {}): Promise<string> {
  const { json, shards } = encodeLayersModel(graph, options);
  return writeModelFolder(path, json, shards);
}
