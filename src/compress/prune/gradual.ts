// prune.gradual({ from, to, begin, end, every }): Zhu & Gupta's gradual
// magnitude pruning, run inside the next train, finetune or distill step.
// Like TensorFlow Model Optimization's prune_low_magnitude wrapper (whose
// schedule fit() then runs), the step itself changes no weight: it records the
// schedule on the model, and the training step that follows recomputes the
// masks at steps begin, begin + every, …, end (optimizer steps of that run,
// from 0) to the cubic schedule's sparsity, keeping them fixed in between and
// re-applying them after every update. The report (per-layer sparsity, the
// magnitude histogram) comes with that training step.
//
//   const sparse = await dense.apply(
//     prune.gradual({ to: 0.95, end: 1500, every: 100, scope: "global" }),
//     finetune({ data: mnist.train, epochs: 30, lr: 1e-3 }),
//   );
import type { Graph } from "../../graph/types.js";
import type { Model } from "../../model/model.js";
import type { Metrics, RecipeStep, Step, StepResult } from "../../model/step.js";
import type { TrainingPruning, WeightMasks } from "../../model/sparsity.js";
import { OptionError } from "../../core/errors.js";
import { checkOptions, type OptionsSchema } from "../../model/options-schema.js";
import { registerStep } from "../../model/step-registry.js";
import { toMimeBundle } from "../../display/bundle.js";
import { magnitudeMasks, SCOPES, type Scope } from "./magnitude-masks.js";
import { describeSchedule, planUpdates, type CubicSchedule } from "./schedule.js";
import { weightTargets, type Selection, type WeightTarget } from "./targets.js";
import { SELECTION_OPTIONS, stripUndefined, unstructuredReport } from "./magnitude.js";
import type { LatencyOption } from "./report.js";

export interface GradualOptions extends Selection {
  /** Sparsity of the first update (default 0). */
  readonly from?: number;
  /** Sparsity reached at `end`, in [0, 1). */
  readonly to: number;
  /** Optimizer step of the first update (default 0). */
  readonly begin?: number;
  /** Optimizer step of the last update (default: the training run's last step). */
  readonly end?: number;
  /** Steps between updates (default a tenth of end − begin). */
  readonly every?: number;
  /** "layer" or "global" magnitude ranking (default "layer"). */
  readonly scope?: Scope;
  readonly latency?: LatencyOption;
}

export const GRADUAL_OPTIONS: OptionsSchema = Object.freeze({
  from: { type: "number", min: 0, below: 1, default: 0, doc: "sparsity of the first mask update (s_i)" },
  to: { type: "number", required: true, min: 0, below: 1, doc: "sparsity reached at step end (s_f)" },
  begin: { type: "integer", min: 0, default: 0, doc: "optimizer step of the first update (t0), counted in the training step that follows" },
  end: { type: "integer", min: 0, doc: "optimizer step of the last update (t0 + nΔt); default the training run's last step" },
  every: { type: "integer", min: 1, doc: "steps between mask updates (Δt); default (end − begin) / 10" },
  scope: { type: "string", oneOf: SCOPES, default: "layer", doc: '"layer" or "global" magnitude ranking' },
  ...SELECTION_OPTIONS,
});

function checkGradual(options: GradualOptions): void {
  checkOptions("prune.gradual", GRADUAL_OPTIONS, options, "{ to: 0.95, end: 1500, every: 100 }");
  const problems: string[] = [];
  const from = options.from ?? 0;
  if (from > options.to) problems.push(`from (${from}) must not exceed to (${options.to}): sparsity only rises`);
  if (options.end !== undefined && options.end < (options.begin ?? 0)) problems.push(`end (${options.end}) must be at or after begin (${options.begin ?? 0})`);
  if (problems.length > 0) throw new OptionError(`prune.gradual: ${problems.join("; ")}`, { details: { problems } });
}

/** The schedule the next training step runs: magnitude masks over `targets` at the cubic sparsities. */
export function gradualPruning(schedule: CubicSchedule, targets: readonly WeightTarget[], scope: Scope, latency: LatencyOption): TrainingPruning {
  return {
    description: `${describeSchedule(schedule)}, ${scope} scope, ${targets.length} weights`,
    targets: targets.map((t) => t.initializer),
    plan: (totalSteps) => planUpdates(schedule, totalSteps),
    masks: (weights, sparsity, previous) => magnitudeMasks(weights, sparsity, scope, previous),
    async report(before: Graph, after: Graph, _masks: WeightMasks) {
      const report = await unstructuredReport("prune.gradual", before, after, targets, latency);
      return { metrics: report.metrics, figures: report.figures.map((f) => toMimeBundle(f)) };
    },
  };
}

export function gradual(options: GradualOptions): Step {
  checkGradual(options);
  const schedule: CubicSchedule = {
    from: options.from ?? 0,
    to: options.to,
    begin: options.begin ?? 0,
    ...(options.end !== undefined ? { end: options.end } : {}),
    ...(options.every !== undefined ? { every: options.every } : {}),
  };
  const scope = options.scope ?? "layer";
  const selection: Selection = { include: options.include, exclude: options.exclude };
  return {
    step: "prune.gradual",
    toJSON: (): RecipeStep => ({ step: "prune.gradual", ...stripUndefined({ ...options, from: schedule.from, begin: schedule.begin, scope }) }),
    async run(model: Model): Promise<StepResult> {
      const targets = weightTargets(model.graph, selection, "prune.gradual");
      const pruning = gradualPruning(schedule, targets, scope, options.latency ?? true);
      const replaced: Metrics = model.pendingPruning ? { "replaces waiting schedule": model.pendingPruning.description } : {};
      return {
        graph: model.graph,
        metrics: { schedule: pruning.description, "runs in": "the next train, finetune or distill step", weights: targets.length, ...replaced },
        pruning,
      };
    },
  };
}

registerStep({
  name: "prune.gradual",
  summary: "gradual magnitude pruning (Zhu & Gupta's cubic schedule) run inside the next train/finetune/distill",
  options: GRADUAL_OPTIONS,
  fromJSON: (options) => gradual(options as unknown as GradualOptions),
});
