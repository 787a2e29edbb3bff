// load(path | spec): model files of every registered format (found by content,
// then extension: formats/registry.ts), and zoo specs by name.
import { FormatError } from "../core/errors.js";
import { detectFormat, formatNames, readModelFile } from "../formats/registry.js";
import { Model } from "./model.js";
import { fromSpec } from "../models/zoo.js";

export async function load(pathOrSpec: string): Promise<Model> {
  if (typeof pathOrSpec !== "string" || pathOrSpec === "") {
    throw new FormatError(`load() takes a file path or a model spec such as "mlp:784-300-100-10", got ${JSON.stringify(pathOrSpec)}`);
  }
  const format = await detectFormat(pathOrSpec);
  if (format) return new Model(await readModelFile(pathOrSpec, format), { source: pathOrSpec });
  const graph = fromSpec(pathOrSpec);
  if (graph) return new Model(graph, { source: pathOrSpec });
  throw new FormatError(
    `${pathOrSpec}: no such file, and not a model spec (specs look like mlp:784-300-100-10, lenet5, cnn:16-32; files: ${formatNames("model").join(", ")})`,
    { file: pathOrSpec },
  );
}
