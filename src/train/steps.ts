// The `train` and `finetune` steps: Model → Model through trainGraph. Options
// are checked when the step is made (a recipe fails before anything trains);
// data may be a Dataset or a reference, and the recipe form names it by
// reference so `compactor apply` can replay it.
import type { Metrics, RecipeStep, Step, StepResult } from "../model/step.js";
import type { Model } from "../model/model.js";
import { OptionError } from "../core/errors.js";
import type { OptionsSchema } from "../model/options-schema.js";
import { registerStep } from "../model/step-registry.js";
import { FINETUNE_DEFAULTS, TRAIN_DEFAULTS, resolveOptions, type TrainDefaults, type TrainOptions } from "./options.js";
import { trainGraph, finetuneGraph, type TrainResult } from "./train-graph.js";
import { maskedSparsity } from "../model/sparsity.js";
import { dataReference, datasetFor, trainDataOf, type DataInput } from "./from-dataset.js";

export interface TrainStepOptions extends Omit<TrainOptions, "data" | "validation" | "loss" | "pruning"> {
  readonly data: DataInput;
  /** Evaluated after each epoch (test loss and accuracy in the curves and metrics). */
  readonly validation?: DataInput;
}

/** Options that observe a run without changing its result: never part of a recipe. */
const OBSERVERS = ["onBatch", "onEpoch", "display"] as const;

/** Checks every option now (all problems in one error); `loss` belongs to distill, not to a step. */
export function checkTrainStepOptions(name: string, options: TrainStepOptions, defaults: TrainDefaults): void {
  if (options === null || typeof options !== "object") {
    throw new OptionError(`${name}() takes an options object such as { data: "mnist:train", epochs: 5 }, got ${JSON.stringify(options)}`);
  }
  if ("loss" in options) {
    throw new OptionError(`${name}(): "loss" is not a step option (a recipe cannot hold a function); use distill({ teacher, … }) or trainGraph() for custom losses`);
  }
  if ("pruning" in options) {
    throw new OptionError(`${name}(): "pruning" is not a step option: the step keeps the model's pruning masks and runs a waiting schedule; apply prune.gradual({ … }) before ${name}({ … })`);
  }
  resolveOptions(options as unknown as TrainOptions, defaults);
}

/** The recipe form: JSON-able options, data as references, observers left out. */
export function trainStepJson(name: string, options: TrainStepOptions): RecipeStep {
  const json: Record<string, unknown> = { step: name };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || (OBSERVERS as readonly string[]).includes(key)) continue;
    if (key === "data" || key === "validation") json[key] = dataReference(value as DataInput, key);
    else json[key] = value;
  }
  return json as RecipeStep;
}

function trainingStep(name: "train" | "finetune", options: TrainStepOptions, defaults: TrainDefaults, run: typeof trainGraph): Step {
  checkTrainStepOptions(name, options, defaults);
  return {
    step: name,
    toJSON: () => trainStepJson(name, options),
    async run(model: Model): Promise<StepResult> {
      const data = await datasetFor(options.data, model.graph);
      const validation = options.validation === undefined ? undefined : await datasetFor(options.validation, model.graph);
      const { validation: _reference, ...rest } = options;
      const result = await run(model.graph, {
        ...rest,
        data: trainDataOf(data),
        ...(validation ? { validation: trainDataOf(validation) } : {}),
        pruning: model.pruning,
      });
      return withPruningReport(model, result, { ...result.metrics } as Metrics);
    },
  };
}

/**
 * A training step's result with the model's pruning carried through: the masks
 * after the run, the waiting schedule marked as run, and its report (per-layer
 * sparsity) among the figures. Shared by train, finetune and distill.
 */
export async function withPruningReport(model: Model, result: TrainResult, metrics: Metrics): Promise<StepResult> {
  const schedule = model.pendingPruning;
  if (!result.masks) return { graph: result.graph, metrics };
  const extra: Record<string, Metrics[string]> = { "pruned (masked weights)": maskedSparsity(result.masks) };
  if (!schedule) return { graph: result.graph, metrics: { ...metrics, ...extra }, masks: result.masks };
  const last = result.pruningUpdates?.[result.pruningUpdates.length - 1];
  extra["prune.gradual"] = `${schedule.description}: ${result.pruningUpdates?.length ?? 0} mask updates, last at step ${last?.step ?? "none"} (${last ? (last.sparsity * 100).toFixed(1) : 0}%)`;
  const report = await schedule.report?.(model.graph, result.graph, result.masks);
  return {
    graph: result.graph,
    metrics: { ...metrics, ...extra, ...(report?.metrics ?? {}) },
    masks: result.masks,
    pruning: null,
    ...(report ? { figures: report.figures } : {}),
  };
}

/** Trains every float weight (minus `freeze`) with TRAIN_DEFAULTS: Adam, lr 1e-3, batch 128, 10 epochs. */
export function train(options: TrainStepOptions): Step {
  return trainingStep("train", options, TRAIN_DEFAULTS, trainGraph);
}

/** Training from trained weights with gentler defaults (FINETUNE_DEFAULTS: lr 1e-4, 3 epochs). */
export function finetune(options: TrainStepOptions): Step {
  return trainingStep("finetune", options, FINETUNE_DEFAULTS, finetuneGraph);
}

/** The options train and finetune take, for help and docs (resolveOptions checks them). */
export const TRAIN_STEP_OPTIONS: OptionsSchema = Object.freeze({
  data: { type: "data", required: true, doc: 'training data: a Dataset or a reference ("mnist:train", "data.npz")' },
  validation: { type: "data", doc: "evaluated after each epoch (test loss and accuracy in the curves)" },
  epochs: { type: "integer", min: 1, doc: "passes over the data" },
  lr: { type: "number", above: 0, doc: "learning rate" },
  optimizer: { type: "string", oneOf: ["sgd", "adam", "adamw"], doc: "optimizer" },
  momentum: { type: "number", min: 0, doc: "SGD momentum" },
  nesterov: { type: "boolean", doc: "Nesterov momentum (sgd)" },
  weightDecay: { type: "number", min: 0, doc: "L2 (sgd, adam) or decoupled decay (adamw)" },
  betas: { type: "array", doc: "Adam's [β1, β2]" },
  eps: { type: "number", above: 0, doc: "Adam's ε" },
  batchSize: { type: "integer", min: 1, doc: "samples per step" },
  seed: { type: "integer", doc: "seeds shuffling, dropout and augmentation" },
  device: { type: "string", oneOf: ["cpu", "gpu", "auto"], doc: "where to train" },
  backend: { type: "string", doc: 'a tfjs backend name or "auto"' },
  schedule: { type: "object", doc: '{ type: "step", stepSize, gamma } or { type: "cosine", minLr }' },
  warmupSteps: { type: "integer", min: 0, doc: "linear learning-rate warm-up" },
  freeze: { type: "array", doc: 'initializer names or { opType: "Conv" } not to train' },
  augment: { type: "object", doc: "{ shift: pixels } random shifts" },
  workers: { type: ["integer", "string"], doc: 'threads per batch, data-parallel, or "auto"' },
  checkpoint: { type: "object", doc: '{ every: steps, dir: "folder" }: checkpoints to resume an interrupted run from' },
  onBatch: { type: "function", doc: "called after every batch (not part of a recipe)" },
  onEpoch: { type: "function", doc: "called after every epoch (not part of a recipe)" },
  display: { type: "boolean", doc: "live progress bar and curve" },
});

registerStep({
  name: "train",
  summary: "train every float weight (Adam, lr 1e-3, batch 128, 10 epochs by default)",
  options: TRAIN_STEP_OPTIONS,
  observers: ["onEpoch", "display"],
  fromJSON: (options) => train(options as unknown as TrainStepOptions),
});

registerStep({
  name: "finetune",
  summary: "train from trained weights with gentler defaults (lr 1e-4, 3 epochs)",
  options: TRAIN_STEP_OPTIONS,
  observers: ["onEpoch", "display"],
  fromJSON: (options) => finetune(options as unknown as TrainStepOptions),
});
