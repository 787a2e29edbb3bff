// Saving is checked: the file is written in the format its extension (or
// `format`) names, through the format registry, then read back and run where a
// runtime for it exists, and compared with the in-memory graph. An export that
// a runtime would read differently fails loudly instead of shipping.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { CompactorError, FormatError } from "../core/errors.js";
import type { Graph, Tensor } from "../graph/types.js";
import type { FileFormat } from "../formats/format.js";
import { formatByExtension, formatNamed, formatNames } from "../formats/registry.js";
import { compareOutputs } from "../runtime/compare.js";
import { randomInputs } from "../runtime/random-inputs.js";
import { withRunner } from "../runtime/runner.js";
import { QUANTIZATION_OPS } from "../compress/quantize/already-quantized.js";
import type { TfjsModelRunner } from "../runtime/tfjs/graph-model.js";

export interface SaveReport {
  readonly path: string;
  readonly format: string;
  readonly bytes: number;
  /** Largest output difference, relative to the output's largest magnitude, between the saved file (run where it is deployed) and the in-memory graph. */
  readonly maxRelativeError: number;
  /**
   * What the saved file was compared with: the in-memory graph on "tfjs" (an independent
   * implementation) or on "ort" (a TF.js file, whose own loader runs it; or an ONNX graph with
   * ops only onnxruntime runs — quantized integer and contrib ops — where the check is of the
   * file's encoding alone), or "weights" (a weights file read back bit for bit).
   */
  readonly checkedAgainst: "tfjs" | "ort" | "weights";
}

export interface SaveOptions {
  /** A registered format ("onnx", "tfjs", "tfjs-layers", "safetensors", …); default: the one the path's extension names. */
  readonly format?: string;
  /** Largest relative output difference accepted (default 1e-4). */
  readonly tolerance?: number;
}

/** How a saved file of each format is checked: the worst relative output difference from the in-memory graph, and what that graph ran on. */
type SaveCheck = (graph: Graph, path: string, format: FileFormat) => Promise<{ worst: number; checkedAgainst: SaveReport["checkedAgainst"] }>;

/** Ops that round activations onto an integer grid while the model runs. */
const ACTIVATION_QUANTIZERS = new Set(["QuantizeLinear", "DynamicQuantizeLinear"]);

/**
 * onnxruntime on the file read back, against the in-memory graph on the tfjs
 * runtime. A quantized graph runs in onnxruntime as written (no QDQ fusion):
 * fused integer kernels requantize in fixed point, a few codes away from the
 * float grid arithmetic ONNX defines. A graph that quantizes activations is
 * checked against itself in onnxruntime: there a last-bit difference in a
 * float sum moves a value across a rounding boundary, one grid step (6e-3 of
 * the output range, measured on static int8 resnet18), which would drown the 1e-4 check
 * of how the file was written. tfjs's agreement on quantized ops is tested on
 * its own (test/quantize/tfjs-runtime.test.ts).
 */
const checkWithOnnxruntime: SaveCheck = async (graph, path, format) => {
  const saved = await format.readModel!(path);
  const feeds = randomInputs(graph, { seed: 1, batch: 2 });
  const quantized = graph.nodes.some((n) => QUANTIZATION_OPS.has(n.opType));
  const options = quantized ? { ortOptimization: "disabled" as const } : {};
  const fromFile = await withRunner("ort", saved, (r) => r.run(feeds), options);
  const reference = graph.nodes.some((n) => ACTIVATION_QUANTIZERS.has(n.opType)) ? "ort" : "tfjs";
  const inMemory = await withRunner(reference, graph, (r) => r.run(feeds), reference === "ort" ? options : {});
  return { worst: Math.max(0, ...compareOutputs(fromFile, inMemory).map((d) => d.maxRel)), checkedAgainst: reference };
};

/** A TF.js model run by TF.js's own loader (opened by `open`), against onnxruntime on the in-memory graph. */
const checkWithTfjsLoader =
  (open: (path: string) => Promise<TfjsModelRunner>): SaveCheck =>
  async (graph, path) => {
    const feeds = randomInputs(graph, { seed: 1, batch: 2 });
    const runner = await open(path);
    let fromFile: Record<string, Tensor>;
    try {
      fromFile = await runner.run(feeds);
    } finally {
      runner.dispose();
    }
    const reference = await withRunner("ort", graph, (r) => r.run(feeds));
    return { worst: Math.max(0, ...compareOutputs(fromFile, reference).map((d) => (d.mismatch ? Infinity : d.maxRel))), checkedAgainst: "ort" };
  };

/** Weights read back must be the graph's initializers, bit for bit. */
const checkWeightsReadBack: SaveCheck = async (graph, path, format) => {
  await verifyWeightsReadBack(graph.initializers, path, format);
  return { worst: 0, checkedAgainst: "weights" };
};

/** Reads `path` back with `format` and fails, naming them, on any tensor that differs from `weights` in dtype, dims or bits. */
export async function verifyWeightsReadBack(weights: ReadonlyMap<string, Tensor>, path: string, format: FileFormat): Promise<void> {
  const back = await format.readWeights!(path);
  const problems = [...weights].filter(([name, t]) => !sameTensor(back.get(name), t)).map(([name]) => `"${name}"`);
  if (back.size !== weights.size) problems.push(`${back.size} tensors read back, ${weights.size} written`);
  if (problems.length > 0) throw new FormatError(`saved ${path}, but these weights read back differently: ${problems.join(", ")}`, { file: path });
}

function sameTensor(a: Tensor | undefined, b: Tensor): boolean {
  if (!a || a.dtype !== b.dtype || a.dims.join() !== b.dims.join()) return false;
  const bytes = (t: Tensor) => {
    const d = t.data as ArrayBufferView;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  };
  return bytes(a).equals(bytes(b));
}

/** One line per format that can be written; a format without one cannot be saved unchecked. */
const SAVE_CHECKS: Readonly<Record<string, SaveCheck>> = Object.freeze({
  onnx: checkWithOnnxruntime,
  tfjs: checkWithTfjsLoader(async (path) => (await import("../runtime/tfjs/graph-model.js")).loadTfjsGraphModel(path)),
  "tfjs-layers": checkWithTfjsLoader(async (path) => (await import("../runtime/tfjs/layers-model.js")).loadTfjsLayersModelAsOnnx(path)),
  safetensors: checkWeightsReadBack,
  npz: checkWeightsReadBack,
});

function formatFor(path: string, name: string | undefined): FileFormat {
  const format = name !== undefined ? formatNamed(name) : formatByExtension(path);
  const writable = formatNames().filter((n) => formatNamed(n).writeModel || formatNamed(n).writeWeights);
  if (!format) {
    throw new FormatError(
      `${path}: cannot tell which format to write from its extension; use one of ${writable.map((n) => formatNamed(n).extensions[0]).join(", ")} or pass { format } (one of ${writable.join(", ")}; TF.js models are folders: { format: "tfjs" })`,
      { file: path },
    );
  }
  if (!format.writeModel && !format.writeWeights) throw new FormatError(`${path}: compactor reads ${format.description} but does not write it; write one of ${writable.join(", ")}`, { file: path });
  return format;
}

/** A file's size; a folder's (a TF.js model) is the sum of the files in it. */
export async function bytesOnDisk(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) if (entry.isFile()) total += (await stat(join(path, entry.name))).size;
  return total;
}

export async function saveChecked(graph: Graph, path: string, options: SaveOptions = {}): Promise<SaveReport> {
  const tolerance = options.tolerance ?? 1e-4;
  const format = formatFor(path, options.format);
  const check = SAVE_CHECKS[format.name];
  if (!check) throw new Error(`format "${format.name}" writes models but has no save check in model/save.ts`);
  // A weights format saves the graph's initializers (e.g. PyTorch weights taken to safetensors).
  if (format.writeModel) await format.writeModel(graph, path);
  else await format.writeWeights!(graph.initializers, path);
  const { worst, checkedAgainst } = await check(graph, path, format);
  if (!(worst <= tolerance)) {
    throw new CompactorError(
      `saved ${path}, but its outputs when read back differ from the in-memory model by ${worst.toExponential(2)} ` +
        `(relative; allowed ${tolerance}). The file is kept for inspection; please report this with the model.`,
      { file: path, details: { maxRelativeError: worst } },
    );
  }
  return { path, format: format.name, bytes: await bytesOnDisk(path), maxRelativeError: worst, checkedAgainst };
}
