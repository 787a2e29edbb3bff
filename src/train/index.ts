// Public surface of the training loop; Model.apply wraps trainGraph/finetuneGraph
// as the `train` and `finetune` steps, distillation passes its loss through `loss`.
export { trainGraph, finetuneGraph } from "./train-graph.js";
export { trainCompiled, evaluate } from "./loop.js";
export { TRAIN_DEFAULTS, FINETUNE_DEFAULTS, OPTIMIZERS, SCHEDULES, resolveOptions } from "./options.js";
export { crossEntropy } from "./loss.js";
export type { TrainResult } from "./loop.js";
export type { TrainableModel, ForwardOptions } from "./compiled.js";
export type { Batch, TrainData } from "./data.js";
export type {
  TrainOptions,
  TrainMetrics,
  EpochRecord,
  BatchRecord,
  LossFunction,
  FreezeRule,
  Schedule,
  OptimizerName,
  TrainDefaults,
} from "./options.js";
