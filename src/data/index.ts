// The data module's public surface.
export { Dataset } from "./dataset.js";
export type { Batch, SampleMap } from "./dataset.js";
export { MNIST_SPLIT_SEED, MNIST_TRAIN_SIZE, datasets, resolveData } from "./datasets.js";
export { Random } from "../core/random.js";
