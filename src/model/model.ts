// Model: an immutable value wrapping a Graph, its source and the steps that made
// it. `apply` runs steps in order, shows each step's report and records it, so
// `model.recipe` replays a notebook session as JSON.
import type { Graph, Tensor } from "../graph/types.js";
import type { RecipeStep, Step, StepReport } from "./step.js";
import type { SaveOptions, SaveReport } from "./save.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/mime.js";
import { OptionError } from "../core/errors.js";
import { summarize, type GraphSummary } from "../graph/counts.js";
import { display } from "../display/display.js";
import { summaryTable } from "../display/summary.js";
import { table } from "../display/table.js";
import { validateGraph } from "../graph/validate.js";
import { parseRuntime, withRunner, type Runtime } from "../runtime/runner.js";
import { NO_MASKS, maskedSparsity, masksFitting, type TrainingPruning, type TrainPruning, type WeightMasks } from "./sparsity.js";

/** Which engine runs a model: onnxruntime or the tfjs runtime (whose own backend is wasm, webgpu, cpu…). */
export type { Runtime } from "../runtime/runner.js";
/** The earlier name of Runtime. */
export type Backend = Runtime;

/** How run() and evaluate() choose a runtime: `runtime`, or `backend`, its earlier name. */
export interface RuntimeOption {
  readonly runtime?: Runtime;
  /** The earlier name of `runtime`. */
  readonly backend?: Runtime;
}

/** The runtime an options object asks for (default onnxruntime), checked. */
export function runtimeOf(options: RuntimeOption): Runtime {
  if (options.runtime !== undefined && options.backend !== undefined && options.runtime !== options.backend) {
    throw new OptionError(`runtime ${JSON.stringify(options.runtime)} and backend ${JSON.stringify(options.backend)} disagree; pass only runtime`);
  }
  return parseRuntime(options.runtime ?? options.backend ?? "ort", options.runtime !== undefined ? "runtime" : "backend");
}

export type { SaveOptions, SaveReport } from "./save.js";

export interface ModelOptions {
  readonly source?: string;
  readonly history?: readonly StepReport[];
  readonly masks?: WeightMasks;
  readonly pendingPruning?: TrainingPruning;
}

export class Model {
  readonly graph: Graph;
  /** Where it came from: a file path or a zoo spec ("mlp:784-300-100-10"); undefined when built in code. */
  readonly source: string | undefined;
  readonly history: readonly StepReport[];
  /** Keep masks of pruned weights (prune.magnitude, prune.gradual): training keeps masked weights at zero. */
  readonly masks: WeightMasks;
  /** A prune.gradual schedule waiting for the next train, finetune or distill step to run it. */
  readonly pendingPruning: TrainingPruning | undefined;

  constructor(graph: Graph, options: ModelOptions = {}) {
    this.graph = graph;
    this.source = options.source;
    this.history = Object.freeze([...(options.history ?? [])]);
    this.masks = options.masks ?? NO_MASKS;
    this.pendingPruning = options.pendingPruning;
  }

  /** What a training step must honour: the masks, and the waiting schedule if any. */
  get pruning(): TrainPruning {
    return this.pendingPruning ? { masks: this.masks, schedule: this.pendingPruning } : { masks: this.masks };
  }

  get name(): string {
    return this.graph.name || this.source || "model";
  }

  /** The steps that made this model from its source, as JSON (what `compactor apply` takes). */
  get recipe(): RecipeStep[] {
    return this.history.map((h) => h.options);
  }

  /** Runs steps in order; each step's report is shown and recorded in history. */
  async apply(...steps: Step[]): Promise<Model> {
    let model: Model = this;
    for (const step of steps) {
      if (!step || typeof step.run !== "function") {
        throw new OptionError(
          `apply() takes steps such as train({ … }) or distill({ … }); argument ${steps.indexOf(step) + 1} is ${typeof step}`,
        );
      }
      const started = performance.now();
      const result = await step.run(model);
      validateGraph(result.graph);
      // Masks carry over to the weights that still fit them; say which ones a step's changes unmasked.
      const { kept, dropped } = masksFitting(result.masks ?? model.masks, result.graph);
      const metrics = dropped.length > 0 ? { ...result.metrics, "masks dropped (weights changed)": dropped.join(", ") } : result.metrics;
      const report: StepReport = {
        step: step.step,
        options: step.toJSON(),
        metrics,
        seconds: (performance.now() - started) / 1000,
      };
      const pendingPruning = result.pruning === undefined ? model.pendingPruning : result.pruning ?? undefined;
      model = new Model(result.graph, { source: model.source, history: [...model.history, report], masks: kept, pendingPruning });
      for (const figure of result.figures ?? []) display(figure);
      display(stepReportTable(report));
      // An interrupted step keeps its last good weights; later steps do not run.
      if (result.metrics["interrupted"] === true) break;
    }
    return model;
  }

  /** Runs the model: onnxruntime by default (no gradients needed), or the tfjs runtime. */
  async run(feeds: Record<string, Tensor>, options: RuntimeOption & { outputs?: string[] } = {}): Promise<Record<string, Tensor>> {
    const runtime = runtimeOf(options);
    return withRunner(runtime, this.graph, (runner) => runner.run(feeds, options.outputs ? { outputs: options.outputs } : {}));
  }

  /** Accuracy, loss and confusion matrix on a labelled dataset ("mnist:test", an .npz path or a Dataset). */
  async evaluate(data: unknown, options: RuntimeOption & { batchSize?: number } = {}) {
    const { evaluate } = await import("./evaluate.js");
    return evaluate(this, data, options);
  }

  /** Writes the file (temp file + rename) in the format its extension names, then checks it against the in-memory model. */
  async save(path: string, options: SaveOptions = {}): Promise<SaveReport> {
    const { saveChecked } = await import("./save.js");
    return saveChecked(this.graph, path, options);
  }

  summary(options: { batch?: number } = {}): GraphSummary {
    return summarize(this.graph, options);
  }

  clone(): Model {
    return new Model(this.graph, { source: this.source, history: this.history, masks: this.masks, pendingPruning: this.pendingPruning });
  }

  /** JSON form used inside recipes (e.g. a distillation teacher): its source and the steps that made it. */
  toJSON(): string | { from: string | null; steps: RecipeStep[] } {
    if (this.history.length === 0 && this.source) return this.source;
    return { from: this.source ?? null, steps: this.recipe };
  }

  /** A model shows its summary: layers, parameters, MACs, bytes, and the steps that made it. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const steps = this.history.length ? ` · steps: ${this.history.map((h) => h.step).join(" → ")}` : "";
    const masked = this.masks.size ? ` · ${(maskedSparsity(this.masks) * 100).toFixed(1)}% of ${this.masks.size} masked weights pruned` : "";
    const pending = this.pendingPruning ? ` · waiting for training: prune.gradual ${this.pendingPruning.description}` : "";
    return summaryTable(this.summary(), { title: `${this.name}${steps}${masked}${pending}` })[JUPYTER_DISPLAY]();
  }
}

/** One row per metric, titled with the step and its duration. */
export function stepReportTable(report: StepReport) {
  const rows = Object.entries(report.metrics).map(([metric, value]) => ({ metric, value }));
  return table(rows, { columns: ["metric", "value"], title: `${report.step} · ${report.seconds.toFixed(1)} s` });
}
