// TF.js models as registered formats: a graph model (a TensorFlow GraphDef in
// JSON, run by tfjs-converter's loadGraphModel) and a layers model (a Keras
// topology, run by tfjs-layers' loadLayersModel). Both are folders holding a
// model.json and weight shards; the registry hands us the head of model.json
// (for a folder, the model.json inside it). Content test: the "format" field
// TF.js writes, or for older files the shape of "modelTopology" — a GraphDef
// has a node list, a Keras topology a class_name or model_config.
import type { FileFormat, FileHead } from "../format.js";

function headText({ bytes }: FileHead): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

const GRAPH_MODEL = /"format"\s*:\s*"graph-model"|"modelTopology"\s*:\s*\{\s*"node"\s*:/;
const LAYERS_MODEL = /"format"\s*:\s*"layers-model"|"modelTopology"\s*:\s*\{\s*"(class_name|model_config|keras_version|backend)"\s*:/;

export const isTfjsGraphModel = (head: FileHead): boolean => headText(head).trimStart().startsWith("{") && GRAPH_MODEL.test(headText(head));
export const isTfjsLayersModel = (head: FileHead): boolean => headText(head).trimStart().startsWith("{") && LAYERS_MODEL.test(headText(head)) && !GRAPH_MODEL.test(headText(head));

export const TFJS_GRAPH_FORMAT: FileFormat = {
  name: "tfjs",
  description: "TF.js graph model (folder: model.json + weight shards, for tf.loadGraphModel)",
  kind: "model",
  extensions: [".json"],
  folder: true,
  sniff: isTfjsGraphModel,
  readModel: async (path) => (await import("./graph-model.js")).readTfjsGraphModel(path),
  writeModel: async (graph, path) => {
    await (await import("./graph-model.js")).writeTfjsGraphModel(graph, path);
  },
};

export const TFJS_LAYERS_FORMAT: FileFormat = {
  name: "tfjs-layers",
  description: "TF.js layers model (folder: model.json with a Keras topology + weight shards, for tf.loadLayersModel)",
  kind: "model",
  extensions: [".json"],
  folder: true,
  sniff: isTfjsLayersModel,
  readModel: async (path) => (await import("./layers-model.js")).readTfjsLayersModel(path),
  writeModel: async (graph, path) => {
    await (await import("./layers-model.js")).writeTfjsLayersModel(graph, path);
  },
};
