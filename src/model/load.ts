// load(path | spec): files by extension, zoo specs by name. The formats module
// does the reading; this only dispatches and names what is supported.
import { existsSync } from "node:fs";
import { extname } from "node:path";
import { FormatError } from "../core/errors.js";
import { Model } from "./model.js";
import { fromSpec } from "../models/zoo.js";

const READERS: Readonly<Record<string, (path: string) => Promise<Model>>> = {
  ".onnx": async (path) => {
    const { readOnnx } = await import("../formats/onnx/index.js");
    return new Model(await readOnnx(path), { source: path });
  },
};

export async function load(pathOrSpec: string): Promise<Model> {
  if (typeof pathOrSpec !== "string" || pathOrSpec === "") {
    throw new FormatError(`load() takes a file path or a model spec such as "mlp:784-300-100-10", got ${JSON.stringify(pathOrSpec)}`);
  }
  const ext = extname(pathOrSpec).toLowerCase();
  const reader = READERS[ext];
  if (reader) return reader(pathOrSpec);
  if (existsSync(pathOrSpec)) {
    throw new FormatError(
      `${pathOrSpec}: unsupported model format "${ext || "(no extension)"}"; load() reads ${Object.keys(READERS).join(", ")} files and zoo specs (mlp:…, lenet5, cnn:…)`,
      { file: pathOrSpec },
    );
  }
  const graph = fromSpec(pathOrSpec);
  if (graph) return new Model(graph, { source: pathOrSpec });
  throw new FormatError(
    `${pathOrSpec}: no such file, and not a model spec (specs look like mlp:784-300-100-10, lenet5, cnn:16-32)`,
    { file: pathOrSpec },
  );
}
