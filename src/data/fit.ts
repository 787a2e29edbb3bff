// Makes a dataset's samples fit a model's input: the built-in MNIST is [784]
// per sample, LeNet wants [1,28,28]; same element count → reshape, anything
// else → a ShapeError naming expected and got, before any work starts.
import { ShapeError } from "../core/errors.js";
import type { Graph } from "../graph/types.js";
import type { Dataset } from "./dataset.js";

/** The model input's per-sample dims (the first dim is the batch), when they are all known. */
export function sampleDimsOf(graph: Graph, inputIndex = 0): number[] {
  const input = graph.inputs[inputIndex];
  if (!input) throw new ShapeError(`graph "${graph.name}" has no input #${inputIndex}`);
  const shape = input.shape;
  if (!shape || shape.length < 1) {
    throw new ShapeError(`input "${input.name}" of graph "${graph.name}" has no known rank; give the model a shaped input`);
  }
  const dims = shape.slice(1);
  if (!dims.every((d): d is number => typeof d === "number")) {
    throw new ShapeError(
      `input "${input.name}" has symbolic per-sample dims [${dims.join(", ")}]; only the batch dim may be symbolic for training/evaluation`,
    );
  }
  return dims;
}

export function fitDataToModel(data: Dataset, graph: Graph): Dataset {
  const want = sampleDimsOf(graph);
  const got = data.sampleShape;
  if (want.length === got.length && want.every((d, i) => d === got[i])) return data;
  const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (count(want) === count(got)) return data.reshape(want);
  throw new ShapeError(
    `dataset "${data.name}" samples are [${got.join(", ")}] but model input "${graph.inputs[0]!.name}" takes [${want.join(", ")}] per sample`,
    { details: { expected: want, got } },
  );
}
