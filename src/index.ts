// The public surface of compactor: what `import … from "compactor"` gives, and
// what the Jupyter kernel and the REPL preload. Values first, then types.

export { Model, stepReportTable } from "./model/model.js";
export { load } from "./model/load.js";
export { convertFile } from "./convert/convert-file.js";
export { models } from "./models/index.js";
export { evaluate } from "./model/evaluate.js";
export { compare, ortLatencyMs } from "./model/compare.js";
export { datasets, resolveData, Dataset } from "./data/index.js";
export { train, finetune } from "./train/steps.js";
export { distill } from "./compress/distill/index.js";
export { prune } from "./compress/prune/index.js";
export { stepFromRecipe, stepsFromRecipe, readRecipe, STEP_NAMES } from "./model/recipe.js";
export { stepDefinition, stepDefinitions, stepNames, unreachableSteps } from "./model/step-registry.js";
export { display, clearOutput, plot, table, html, markdown, progress, liveCurve, toMimeBundle } from "./display/index.js";
export { requestInterrupt } from "./core/interrupt.js";
export * from "./core/errors.js";

export type { Backend, Runtime, RuntimeOption, SaveOptions, SaveReport } from "./model/model.js";
export type { Step, StepReport, StepResult, RecipeStep, Metrics } from "./model/step.js";
export type { StepDefinition } from "./model/step-registry.js";
export type { OptionSpec, OptionsSchema } from "./model/options-schema.js";
export type { EvalReport } from "./model/evaluate.js";
export type { Comparison, ComparisonRow } from "./model/compare.js";
export type { Batch } from "./data/index.js";
export type { TrainStepOptions } from "./train/steps.js";
export type { DistillOptions, FeaturePair, TeacherInput } from "./compress/distill/index.js";
export type { MagnitudeOptions, GradualOptions, ChannelsOptions, Importance } from "./compress/prune/index.js";
export type { WeightMasks, TrainingPruning } from "./model/sparsity.js";
export type { Graph, Node, Tensor, ValueInfo, Attribute, DType } from "./graph/types.js";
export type { GraphSummary } from "./graph/counts.js";
export type { LoadOptions } from "./model/load.js";
export type { ConvertOptions, ConvertReport } from "./convert/convert-file.js";
export type { MimeBundle, DisplayHandle } from "./display/index.js";
