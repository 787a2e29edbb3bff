// Inputs for `run` and `bench`: read from an .npz and checked against the
// model's declared inputs, or generated from a seed with symbolic dims resolved
// (axis 0 → --batch, others → --dim name=N).
import { OptionError, ShapeError } from "../core/errors.js";
import { readNpz } from "../formats/numpy/npz.js";
import type { Graph, Tensor } from "../graph/types.js";
import { checkFeeds } from "../runtime/check-feeds.js";

export { randomInputs, type RandomInputOptions } from "../runtime/random-inputs.js";

/** Reads feeds from an .npz and checks names, dtypes and shapes against the graph (all problems at once). */
export async function loadInputs(path: string, graph: Graph, modelPath: string): Promise<Record<string, Tensor>> {
  const arrays = await readNpz(path);
  const feeds: Record<string, Tensor> = Object.fromEntries(arrays);
  try {
    checkFeeds(graph, feeds, `inputs ${path} for ${modelPath}`);
  } catch (error) {
    if (error instanceof ShapeError) throw new ShapeError(error.message, { ...error.context, file: path });
    throw error;
  }
  return feeds;
}

/** Parses repeated `--dim name=N` flags. */
export function parseDimFlags(values: readonly string[]): Record<string, number> {
  const dims: Record<string, number> = {};
  const bad: string[] = [];
  for (const v of values) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (m) dims[m[1]!] = Number(m[2]);
    else bad.push(v);
  }
  if (bad.length > 0) throw new OptionError(`--dim takes name=N (a positive integer), got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
  return dims;
}
