// Calibration inputs for quantize.static and quantize.qat: a Dataset or a data
// reference ("mnist:train", a labelled .npz with x/y) for one-input models, or
// an .npz (or a record of tensors) whose arrays are named like the model's
// inputs, one row per sample. Names, ranks, sizes and dtypes are checked
// against the model before anything runs; every problem is listed at once.
import { OptionError, ShapeError } from "../../core/errors.js";
import { Dataset } from "../../data/dataset.js";
import { fitDataToModel } from "../../data/fit.js";
import { resolveData } from "../../data/datasets.js";
import { readNpz } from "../../formats/numpy/npz.js";
import { makeTensor, numElements } from "../../graph/tensor.js";
import type { Graph, Tensor } from "../../graph/types.js";

/** What calibration accepts. */
export type CalibrationInput = Dataset | string | Readonly<Record<string, Tensor>>;

export interface CalibrationSet {
  /** One array per model input, [count, ...per-sample dims]. */
  readonly arrays: Readonly<Record<string, Tensor>>;
  readonly count: number;
  /** For reports and recipes: the reference or dataset name. */
  readonly source: string;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && "dtype" in v && "dims" in v && "data" in v;
}

/** The first `samples` rows of each array. */
function firstRows(arrays: Readonly<Record<string, Tensor>>, count: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(arrays)) {
    if (t.dims[0] === count) {
      out[name] = t;
      continue;
    }
    const per = numElements(t.dims.slice(1));
    out[name] = makeTensor(t.dtype, [count, ...t.dims.slice(1)], (t.data as Float32Array).slice(0, count * per) as never);
  }
  return out;
}

/** Checks named arrays against the model's inputs: names, ranks, fixed dims, dtypes and one sample count. */
function checkArrays(graph: Graph, arrays: Readonly<Record<string, Tensor>>, source: string): number {
  const problems: string[] = [];
  const inputs = graph.inputs.map((i) => i.name);
  const names = Object.keys(arrays);
  const missing = inputs.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !inputs.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    problems.push(`arrays must be named like the model's inputs: expected [${inputs.join(", ")}], got [${names.join(", ")}]`);
  }
  const counts = new Set<number>();
  for (const input of graph.inputs) {
    const t = arrays[input.name];
    if (!t) continue;
    counts.add(t.dims[0] ?? 0);
    if (t.dtype !== input.dtype) problems.push(`"${input.name}": expected ${input.dtype}, got ${t.dtype}`);
    const shape = input.shape;
    if (!shape) continue;
    const fits = t.dims.length === shape.length && shape.every((d, i) => i === 0 || typeof d !== "number" || d === t.dims[i]);
    if (!fits) problems.push(`"${input.name}": the model takes [${shape.map((d) => d ?? "?").join(", ")}], got [${t.dims.join(", ")}]`);
  }
  if (counts.size > 1) problems.push(`every array needs the same number of samples (first dim), got ${[...counts].join(", ")}`);
  if (problems.length > 0) {
    throw new ShapeError(`calibration data ${source} does not fit model "${graph.name}":\n  ${problems.join("\n  ")}`, {
      details: { problems, expected: inputs, got: names },
    });
  }
  return [...counts][0] ?? 0;
}

async function fromDataset(graph: Graph, data: Dataset, samples: number): Promise<CalibrationSet> {
  if (graph.inputs.length !== 1) {
    throw new ShapeError(
      `calibration: model "${graph.name}" has ${graph.inputs.length} inputs [${graph.inputs.map((i) => i.name).join(", ")}]; a dataset feeds one. ` +
        `Pass an .npz with one array per input, named like the inputs`,
    );
  }
  const fitted = fitDataToModel(data, graph).take(samples);
  const [batch] = fitted.batches(Math.max(1, fitted.size), { epoch: 0 });
  const count = batch?.y.length ?? 0;
  const x = batch?.x ?? makeTensor("float32", [0, ...fitted.sampleShape], new Float32Array(0));
  return { arrays: { [graph.inputs[0]!.name]: x }, count, source: data.name };
}

async function fromNpzFile(graph: Graph, path: string, samples: number): Promise<CalibrationSet> {
  const arrays = await readNpz(path);
  const names = [...arrays.keys()];
  // A labelled dataset file (x, y) feeds a one-input model whose input is not named x.
  const inputNames = graph.inputs.map((i) => i.name);
  if (graph.inputs.length === 1 && !names.includes(inputNames[0]!) && names.includes("x")) return fromDataset(graph, await resolveData(path), samples);
  const record = Object.fromEntries(arrays);
  const count = checkArrays(graph, record, path);
  return { arrays: firstRows(record, Math.min(samples, count)), count: Math.min(samples, count), source: path };
}

export async function calibrationSet(graph: Graph, calibration: CalibrationInput, samples: number, step: string): Promise<CalibrationSet> {
  let set: CalibrationSet;
  if (calibration instanceof Dataset) set = await fromDataset(graph, calibration, samples);
  else if (typeof calibration === "string") {
    set = calibration.endsWith(".npz") ? await fromNpzFile(graph, calibration, samples) : await fromDataset(graph, await resolveData(calibration), samples);
  } else if (typeof calibration === "object" && calibration !== null && Object.values(calibration).every(isTensor)) {
    const count = checkArrays(graph, calibration, "(arrays)");
    set = { arrays: firstRows(calibration, Math.min(samples, count)), count: Math.min(samples, count), source: "arrays" };
  } else {
    throw new OptionError(`${step}: calibration must be a Dataset, a reference such as "mnist:train", an .npz path or { inputName: Tensor }, got ${typeof calibration}`);
  }
  if (set.count === 0) {
    throw new ShapeError(`${step}: calibration data ${set.source} is empty: activation ranges need at least one sample (expected ≥ 1, got 0)`, {
      details: { expected: ">= 1", got: 0 },
    });
  }
  return set;
}

/** Feeds of at most `batch` samples each, in order. */
export function* calibrationBatches(set: CalibrationSet, batch: number): Generator<Record<string, Tensor>> {
  for (let start = 0; start < set.count; start += batch) {
    const n = Math.min(batch, set.count - start);
    const feeds: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(set.arrays)) {
      const per = numElements(t.dims.slice(1));
      feeds[name] = makeTensor(t.dtype, [n, ...t.dims.slice(1)], (t.data as Float32Array).subarray(start * per, (start + n) * per) as never);
    }
    yield feeds;
  }
}

/**
 * The recipe form of a calibration option. In-memory arrays have none: the
 * recipe records what they were, and replaying it says to save them as .npz.
 */
export function calibrationReference(calibration: CalibrationInput): string {
  if (typeof calibration === "string") return calibration;
  if (calibration instanceof Dataset) return calibration.name;
  const arrays = Object.entries(calibration).map(([name, t]) => `${name}[${t.dims.join(",")}]`);
  return `(in-memory arrays ${arrays.join(" ")}: save them with writeNpz and pass the .npz path to replay)`;
}
