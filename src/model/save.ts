// Saving is checked: the written file is read back, run in onnxruntime and
// compared with the in-memory graph on the tfjs runtime, so an export that
// onnxruntime would read differently fails loudly instead of shipping.
import { stat } from "node:fs/promises";
import { CompactorError } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import { readOnnx, writeOnnx } from "../formats/onnx/index.js";
import { randomInputs } from "../runtime/random-inputs.js";
import type { SaveReport } from "./model.js";

/** Largest |a−b| over the largest |b|, per output; 0 when both are empty. */
export function maxRelativeError(a: Tensor, b: Tensor): number {
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(Number(x[i]) - Number(y[i])));
    scale = Math.max(scale, Math.abs(Number(y[i])));
  }
  return scale === 0 ? diff : diff / scale;
}

export async function saveChecked(graph: Graph, path: string, tolerance = 1e-4): Promise<SaveReport> {
  await writeOnnx(graph, path);
  const saved = await readOnnx(path);
  const feeds = randomInputs(graph, { seed: 1, batch: 2 });
  const { runOrt } = await import("../runtime/ort.js");
  const { compile } = await import("../runtime/tfjs/compile.js");
  const fromFile = await runOrt(saved, feeds);
  const compiled = await compile(graph);
  let worst = 0;
  try {
    const inMemory = await compiled.run(feeds);
    for (const output of graph.outputs) {
      worst = Math.max(worst, maxRelativeError(fromFile[output.name]!, inMemory[output.name]!));
    }
  } finally {
    compiled.dispose();
  }
  if (!(worst <= tolerance)) {
    throw new CompactorError(
      `saved ${path}, but onnxruntime's outputs on it differ from the in-memory model by ${worst.toExponential(2)} ` +
        `(relative; allowed ${tolerance}). The file is kept for inspection; please report this with the model.`,
      { file: path, details: { maxRelativeError: worst } },
    );
  }
  return { path, bytes: (await stat(path)).size, maxRelativeError: worst };
}
