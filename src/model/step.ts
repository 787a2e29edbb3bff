// A step turns one Model into another (train, distill, prune.…, quantize.…).
// Steps are values: built by the DSL (`train({ … })`) or from a recipe entry
// (`{ "step": "train", … }`), run by Model.apply, and recorded in model.history
// so model.recipe can replay them.
import type { Graph } from "../graph/types.js";
import type { MimeBundle } from "../display/mime.js";
import type { Model } from "./model.js";
import type { TrainingPruning, WeightMasks } from "./sparsity.js";

export type Metric = number | string | boolean | null;
export type Metrics = Readonly<Record<string, Metric>>;

/** A recipe entry: the step's name plus its options in JSON form. */
export type RecipeStep = { readonly step: string } & Readonly<Record<string, unknown>>;

export interface StepResult {
  readonly graph: Graph;
  readonly metrics: Metrics;
  /** Extra output the step wants shown (curves, tables), besides its metrics row. */
  readonly figures?: readonly MimeBundle[];
  /**
   * The pruning masks of the new model (src/model/sparsity.ts). Left out: the
   * model's masks carry over to the initializers that still fit them.
   */
  readonly masks?: WeightMasks;
  /** A gradual pruning schedule for the next training step; null: the step ran (or dropped) the waiting one. Left out: it keeps waiting. */
  readonly pruning?: TrainingPruning | null;
}

export interface Step {
  /** The recipe name: "train", "finetune", "distill", "prune.channels", … */
  readonly step: string;
  /** JSON form for model.recipe: datasets as references ("mnist:train"), teachers as sources. */
  toJSON(): RecipeStep;
  run(model: Model): Promise<StepResult>;
}

/** What apply() records for each step it ran. */
export interface StepReport {
  readonly step: string;
  readonly options: RecipeStep;
  readonly metrics: Metrics;
  readonly seconds: number;
}
