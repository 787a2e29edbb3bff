// What the training loop needs from a dataset. src/data's Dataset satisfies
// this; keeping the loop to this small structural type lets tests and
// distillation pass any batch source.
import type { Tensor } from "../graph/types.js";

export interface Batch {
  /** Inputs, [N, ...sampleShape]. */
  readonly x: Tensor<"float32">;
  /** Class labels, one per sample. */
  readonly y: Int32Array;
}

export interface TrainData {
  /** Number of samples. */
  readonly length: number;
  /** Same samples in an order fixed by the seed. */
  shuffle(seed: number): TrainData;
  batches(batchSize: number): Iterable<Batch> | AsyncIterable<Batch>;
}
