// load(path | spec): model files of every registered format (found by content,
// then extension: formats/registry.ts), weight files put onto an exported graph
// of their architecture (load("model.pt", { graph: "model.onnx" })), and zoo
// specs by name.
import { FormatError } from "../core/errors.js";
import { detectFormat, formatNames, readModelFile } from "../formats/registry.js";
import type { WeightsOntoGraphOptions } from "../convert/weights-onto-graph/index.js";
import { Model } from "./model.js";
import { fromSpec } from "../models/zoo.js";

export interface LoadOptions extends WeightsOntoGraphOptions {
  /** For a weights file (PyTorch .pt, safetensors, npz): the exported model of the same architecture to put them onto. */
  readonly graph?: string;
}

export async function load(pathOrSpec: string, options: LoadOptions = {}): Promise<Model> {
  if (typeof pathOrSpec !== "string" || pathOrSpec === "") {
    throw new FormatError(`load() takes a file path or a model spec such as "mlp:784-300-100-10", got ${JSON.stringify(pathOrSpec)}`);
  }
  const format = await detectFormat(pathOrSpec);
  if (format?.kind === "weights" && options.graph !== undefined) {
    const { weightsOntoGraph } = await import("../convert/weights-onto-graph/index.js");
    const result = weightsOntoGraph(await readModelFile(options.graph), await format.readWeights!(pathOrSpec), options);
    return new Model(result.graph, { source: `${pathOrSpec} onto ${options.graph}` });
  }
  if (format?.kind === "weights") {
    throw new FormatError(
      `${pathOrSpec} is ${format.description}: it holds weights, not a model graph. Put them onto an export of the same architecture: load(${JSON.stringify(pathOrSpec)}, { graph: "model.onnx" })`,
      { file: pathOrSpec },
    );
  }
  if (format) return new Model(await readModelFile(pathOrSpec, format), { source: pathOrSpec });
  const graph = fromSpec(pathOrSpec);
  if (graph) return new Model(graph, { source: pathOrSpec });
  throw new FormatError(
    `${pathOrSpec}: no such file, and not a model spec (specs look like mlp:784-300-100-10, lenet5, cnn:16-32; files: ${formatNames("model").join(", ")})`,
    { file: pathOrSpec },
  );
}
