// The training data of a distillation run: the student's batches, shifted when
// augmenting, each carrying the teacher's values for exactly those inputs.
// Batches are async because the teacher runs in onnxruntime; the training loop
// takes AsyncIterable batches.
import type { Dataset } from "../../data/dataset.js";
import type { Batch, TrainData } from "../../train/data.js";
import { shiftImages } from "../../train/augment.js";
import type { TeacherSource, TeacherValues } from "./teacher.js";

export interface DistillBatch extends Batch {
  readonly indices: Int32Array;
  readonly teacher: TeacherValues;
}

export interface Augmentation {
  readonly shift: number;
  /** One generator for the whole run, so shifts differ every epoch and repeat with the seed. */
  readonly random: () => number;
}

export function distillData(dataset: Dataset, teacher: TeacherSource, augment?: Augmentation): TrainData {
  return {
    length: dataset.size,
    shuffle: (seed: number) => distillData(dataset.shuffle(seed), teacher, augment),
    async *batches(batchSize: number): AsyncIterable<DistillBatch> {
      for (const batch of dataset.batches(batchSize)) {
        const x = augment && augment.shift > 0 ? shiftImages(batch.x, augment.shift, augment.random) : batch.x;
        yield { x, y: batch.y, indices: batch.indices, teacher: await teacher.valuesFor(x, batch.indices) };
      }
    },
  };
}
