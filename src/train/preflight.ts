// Checks made before the first step, so a run that cannot work fails at once
// naming what was expected and what it got, instead of deep inside tfjs.
import { ShapeError, TrainingError } from "../core/errors.js";
import type { Graph } from "../graph/types.js";
import type { Batch } from "./data.js";
import type { FreezeRule } from "./options.js";

export interface ModelIO {
  readonly inputName: string;
  /** Per-sample dims of the input; null where symbolic. */
  readonly sampleDims: readonly (number | null)[];
  readonly outputName: string;
  /** Width of the class axis of the first output, when known. */
  readonly numClasses: number | null;
}

export function modelIO(graph: Graph): ModelIO {
  const problems: string[] = [];
  if (graph.inputs.length !== 1) {
    problems.push(`the graph must have exactly one data input to train on, it has ${graph.inputs.length} (${graph.inputs.map((i) => i.name).join(", ")})`);
  }
  if (graph.outputs.length < 1) problems.push("the graph has no outputs");
  if (problems.length > 0) throw new ShapeError(`train on graph "${graph.name}": ${problems.join("; ")}`);
  const input = graph.inputs[0]!;
  const output = graph.outputs[0]!;
  const last = output.shape?.[output.shape.length - 1];
  return {
    inputName: input.name,
    sampleDims: (input.shape ?? []).slice(1).map((d) => (typeof d === "number" ? d : null)),
    outputName: output.name,
    numClasses: typeof last === "number" ? last : null,
  };
}

/** Every problem with a batch against the model, at once. */
export function checkBatch(batch: Batch, io: ModelIO, where: string): void {
  const problems: string[] = [];
  const got = batch.x.dims.slice(1);
  const fits = got.length === io.sampleDims.length && io.sampleDims.every((d, i) => d === null || d === got[i]);
  if (!fits) {
    problems.push(
      `samples are [${got.join(", ")}] but model input "${io.inputName}" takes [${io.sampleDims.map((d) => d ?? "?").join(", ")}] per sample ` +
        `(reshape the dataset, e.g. data.reshape([${io.sampleDims.map((d) => d ?? 1).join(", ")}]))`,
    );
  }
  if (batch.y.length !== batch.x.dims[0]) problems.push(`${batch.x.dims[0]} samples but ${batch.y.length} labels`);
  if (io.numClasses !== null) {
    let bad = -1;
    for (const label of batch.y) {
      if (!(label >= 0 && label < io.numClasses)) {
        bad = label;
        break;
      }
    }
    if (bad !== -1) {
      problems.push(`label ${bad} is out of range: output "${io.outputName}" has ${io.numClasses} classes, so labels must be in [0, ${io.numClasses - 1}]`);
    }
  }
  if (problems.length > 0) {
    const error = problems.some((p) => p.startsWith("label")) && problems.length === 1 ? TrainingError : ShapeError;
    throw new error(`${where}: ${problems.join("; ")}`, {
      details: { expected: { sample: io.sampleDims, classes: io.numClasses }, got: { sample: got, labels: batch.y.length } },
    });
  }
}

const NON_PARAMETER_INPUTS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  BatchNormalization: [3, 4],
  Dropout: [1, 2],
  Clip: [1, 2],
  Reshape: [1],
  Pad: [1, 2],
  // Quantization grids stay fixed while a quantized graph trains (fake-quant.ts).
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
});

/**
 * Names of the initializers the optimizer updates: float32 weights, minus
 * BatchNormalization's running mean/variance (state, not parameters) and
 * anything frozen by name or by the op type that consumes it.
 */
export function trainableNames(graph: Graph, freeze: readonly FreezeRule[] = []): Set<string> {
  const frozenNames = new Set(freeze.filter((r): r is string => typeof r === "string"));
  const frozenOps = new Set(freeze.filter((r): r is { opType: string } => typeof r !== "string").map((r) => r.opType));
  const unknown = [...frozenNames].filter((n) => !graph.initializers.has(n));
  if (unknown.length > 0) {
    throw new TrainingError(
      `freeze names initializer${unknown.length > 1 ? "s" : ""} the graph does not have: ${unknown.map((n) => `"${n}"`).join(", ")}. ` +
        `Initializers: ${[...graph.initializers.keys()].slice(0, 20).join(", ")}${graph.initializers.size > 20 ? ", …" : ""}`,
      { details: { unknown } },
    );
  }
  const excluded = new Set(frozenNames);
  for (const node of graph.nodes) {
    // Inputs that are settings or state, not parameters, even when stored as float initializers.
    for (const i of NON_PARAMETER_INPUTS[node.opType] ?? []) if (node.inputs[i]) excluded.add(node.inputs[i]!);
    if (frozenOps.has(node.opType)) for (const name of node.inputs) excluded.add(name);
  }
  const names = new Set<string>();
  for (const [name, tensor] of graph.initializers) {
    if (tensor.dtype === "float32" && !excluded.has(name)) names.add(name);
  }
  return names;
}
