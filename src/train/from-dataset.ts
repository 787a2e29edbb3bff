// Datasets (src/data) as the training loop's TrainData, and the data references
// recipes use. The loop needs `length`; Dataset calls it `size`. Kept apart so
// train, finetune and distill share one conversion and one notion of a
// dataset's recipe name.
import type { Dataset } from "../data/dataset.js";
import { resolveData } from "../data/datasets.js";
import { fitDataToModel } from "../data/fit.js";
import type { Graph } from "../graph/types.js";
import { OptionError } from "../core/errors.js";
import type { Batch, TrainData } from "./data.js";

/** What a step accepts as data: a Dataset, or a reference ("mnist:train", "data.npz", "mnist:train.take(512)"). */
export type DataInput = Dataset | string;

export function trainDataOf(dataset: Dataset): TrainData {
  return {
    length: dataset.size,
    shuffle: (seed: number) => trainDataOf(dataset.shuffle(seed)),
    batches: (batchSize: number): Iterable<Batch> => dataset.batches(batchSize),
  };
}

/** Resolves a reference and reshapes samples to what the model's input takes ([784] ↔ [1, 28, 28]). */
export async function datasetFor(data: DataInput, graph: Graph): Promise<Dataset> {
  return fitDataToModel(await resolveData(data), graph);
}

/** The recipe form of a data option: its reference name. */
export function dataReference(data: DataInput, option: string): string {
  if (typeof data === "string") return data;
  if (data && typeof data === "object" && typeof (data as Dataset).name === "string") return (data as Dataset).name;
  throw new OptionError(`${option} must be a Dataset or a reference such as "mnist:train", got ${typeof data}`);
}
