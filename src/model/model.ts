// Model: an immutable value wrapping a Graph, its source and the steps that made
// it. `apply` runs steps in order, shows each step's report and records it, so
// `model.recipe` replays a notebook session as JSON.
import type { Graph, Tensor } from "../graph/types.js";
import type { RecipeStep, Step, StepReport } from "./step.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/mime.js";
import { OptionError } from "../core/errors.js";
import { summarize, type GraphSummary } from "../graph/counts.js";
import { display } from "../display/display.js";
import { summaryTable } from "../display/summary.js";
import { table } from "../display/table.js";
import { validateGraph } from "../graph/validate.js";

export type Backend = "ort" | "tfjs";

export interface SaveReport {
  readonly path: string;
  readonly bytes: number;
  /** Largest output difference, relative to the output's largest magnitude, between onnxruntime on the saved file and the in-memory graph on tfjs. */
  readonly maxRelativeError: number;
}

export class Model {
  readonly graph: Graph;
  /** Where it came from: a file path or a zoo spec ("mlp:784-300-100-10"); undefined when built in code. */
  readonly source: string | undefined;
  readonly history: readonly StepReport[];

  constructor(graph: Graph, options: { source?: string; history?: readonly StepReport[] } = {}) {
    this.graph = graph;
    this.source = options.source;
    this.history = Object.freeze([...(options.history ?? [])]);
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
      const report: StepReport = {
        step: step.step,
        options: step.toJSON(),
        metrics: result.metrics,
        seconds: (performance.now() - started) / 1000,
      };
      model = new Model(result.graph, { source: model.source, history: [...model.history, report] });
      for (const figure of result.figures ?? []) display(figure);
      display(stepReportTable(report));
      // An interrupted step keeps its last good weights; later steps do not run.
      if (result.metrics["interrupted"] === true) break;
    }
    return model;
  }

  /** Runs the model: onnxruntime by default (no gradients needed), or the tfjs runtime. */
  async run(feeds: Record<string, Tensor>, options: { backend?: Backend; outputs?: string[] } = {}): Promise<Record<string, Tensor>> {
    const backend = options.backend ?? "ort";
    if (backend === "ort") {
      const { createOrtSession } = await import("../runtime/ort.js");
      const session = await createOrtSession(this.graph);
      return session.run(feeds, { outputs: options.outputs });
    }
    if (backend === "tfjs") {
      const { compile } = await import("../runtime/tfjs/compile.js");
      const compiled = await compile(this.graph);
      try {
        return await compiled.run(feeds, { outputs: options.outputs });
      } finally {
        compiled.dispose();
      }
    }
    throw new OptionError(`backend must be one of [ort, tfjs], got ${JSON.stringify(backend)}`);
  }

  /** Accuracy, loss and confusion matrix on a labelled dataset ("mnist:test", an .npz path or a Dataset). */
  async evaluate(data: unknown, options: { backend?: Backend; batchSize?: number } = {}) {
    const { evaluate } = await import("./evaluate.js");
    return evaluate(this, data, options);
  }

  /** Writes ONNX (temp file + rename), then checks the file in onnxruntime against the tfjs runtime. */
  async save(path: string): Promise<SaveReport> {
    const { saveChecked } = await import("./save.js");
    return saveChecked(this.graph, path);
  }

  summary(options: { batch?: number } = {}): GraphSummary {
    return summarize(this.graph, options);
  }

  clone(): Model {
    return new Model(this.graph, { source: this.source, history: this.history });
  }

  /** JSON form used inside recipes (e.g. a distillation teacher): its source and the steps that made it. */
  toJSON(): string | { from: string | null; steps: RecipeStep[] } {
    if (this.history.length === 0 && this.source) return this.source;
    return { from: this.source ?? null, steps: this.recipe };
  }

  /** A model shows its summary: layers, parameters, MACs, bytes, and the steps that made it. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const steps = this.history.length ? ` · steps: ${this.history.map((h) => h.step).join(" → ")}` : "";
    return summaryTable(this.summary(), { title: `${this.name}${steps}` })[JUPYTER_DISPLAY]();
  }
}

/** One row per metric, titled with the step and its duration. */
export function stepReportTable(report: StepReport) {
  const rows = Object.entries(report.metrics).map(([metric, value]) => ({ metric, value }));
  return table(rows, { columns: ["metric", "value"], title: `${report.step} · ${report.seconds.toFixed(1)} s` });
}
