// Saving is checked: the file is written in the format its extension (or
// `format`) names, through the format registry, then read back and run where a
// runtime for it exists, and compared with the in-memory graph. An export that
// a runtime would read differently fails loudly instead of shipping.
import { stat } from "node:fs/promises";
import { CompactorError, FormatError, UnsupportedOpError } from "../core/errors.js";
import type { Graph } from "../graph/types.js";
import type { FileFormat } from "../formats/format.js";
import { formatByExtension, formatNamed, formatNames } from "../formats/registry.js";
import { compareOutputs } from "../runtime/compare.js";
import { randomInputs } from "../runtime/random-inputs.js";
import { withRunner } from "../runtime/runner.js";

export interface SaveReport {
  readonly path: string;
  readonly format: string;
  readonly bytes: number;
  /** Largest output difference, relative to the output's largest magnitude, between the saved file (run where it is deployed) and the in-memory graph. */
  readonly maxRelativeError: number;
  /**
   * The runtime the in-memory graph ran on for that comparison: "tfjs" (an independent
   * implementation), or "ort" when the graph has ops only onnxruntime runs (quantized
   * integer and contrib ops), where the check is of the file's encoding alone.
   */
  readonly checkedAgainst: "tfjs" | "ort";
}

export interface SaveOptions {
  /** A registered model format ("onnx", …); default: the one the path's extension names. */
  readonly format?: string;
  /** Largest relative output difference accepted (default 1e-4). */
  readonly tolerance?: number;
}

/** How a saved file of each format is checked: the worst relative output difference from the in-memory graph, and what that graph ran on. */
type SaveCheck = (graph: Graph, path: string, format: FileFormat) => Promise<{ worst: number; checkedAgainst: SaveReport["checkedAgainst"] }>;

/**
 * onnxruntime on the file read back, against the in-memory graph on the tfjs
 * runtime. A quantized graph (DequantizeLinear, QLinearConv, MatMulNBits, …) has
 * ops the tfjs runtime refuses by name; it is then run on onnxruntime in memory
 * too, which still catches a file that encodes the graph wrongly, and the report
 * says which reference was used.
 */
const checkWithOnnxruntime: SaveCheck = async (graph, path, format) => {
  const saved = await format.readModel!(path);
  const feeds = randomInputs(graph, { seed: 1, batch: 2 });
  const fromFile = await withRunner("ort", saved, (r) => r.run(feeds));
  let checkedAgainst: SaveReport["checkedAgainst"] = "tfjs";
  const inMemory = await withRunner("tfjs", graph, (r) => r.run(feeds)).catch((error: unknown) => {
    if (!(error instanceof UnsupportedOpError)) throw error;
    checkedAgainst = "ort";
    return withRunner("ort", graph, (r) => r.run(feeds));
  });
  return { worst: Math.max(0, ...compareOutputs(fromFile, inMemory).map((d) => d.maxRel)), checkedAgainst };
};

/** One line per model format that can be written; a format without one cannot be saved unchecked. */
const SAVE_CHECKS: Readonly<Record<string, SaveCheck>> = Object.freeze({
  onnx: checkWithOnnxruntime,
});

function formatFor(path: string, name: string | undefined): FileFormat {
  const format = name !== undefined ? formatNamed(name) : formatByExtension(path);
  const writable = formatNames("model").filter((n) => formatNamed(n).writeModel);
  if (!format) {
    throw new FormatError(`${path}: cannot tell which format to write from its extension; use one of ${writable.map((n) => formatNamed(n).extensions[0]).join(", ")} or pass { format }`, { file: path });
  }
  if (!format.writeModel) throw new FormatError(`${path}: ${format.description} holds no model graph; models are saved as ${writable.join(", ")}`, { file: path });
  return format;
}

export async function saveChecked(graph: Graph, path: string, options: SaveOptions = {}): Promise<SaveReport> {
  const tolerance = options.tolerance ?? 1e-4;
  const format = formatFor(path, options.format);
  const check = SAVE_CHECKS[format.name];
  if (!check) throw new Error(`format "${format.name}" writes models but has no save check in model/save.ts`);
  await format.writeModel!(graph, path);
  const { worst, checkedAgainst } = await check(graph, path, format);
  if (!(worst <= tolerance)) {
    throw new CompactorError(
      `saved ${path}, but its outputs when read back differ from the in-memory model by ${worst.toExponential(2)} ` +
        `(relative; allowed ${tolerance}). The file is kept for inspection; please report this with the model.`,
      { file: path, details: { maxRelativeError: worst } },
    );
  }
  return { path, format: format.name, bytes: (await stat(path)).size, maxRelativeError: worst, checkedAgainst };
}
