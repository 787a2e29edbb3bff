// prune.magnitude({ sparsity, scope, include, exclude }): unstructured L1
// pruning of Conv/ConvTranspose/Gemm/MatMul weights (Han et al. 2015). The
// smallest |w| become exactly zero in the graph (so a saved file has the
// zeros), and the keep masks go with the model: a later train, finetune or
// distill re-applies them after every optimizer update, so pruned weights stay
// zero while the others recover the accuracy.
//
//   const sparse = await dense.apply(prune.magnitude({ sparsity: 0.9, scope: "global" }),
//                                    finetune({ data: mnist.train, epochs: 3 }));
import type { Graph } from "../../graph/types.js";
import { editGraph } from "../../graph/edit.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Model } from "../../model/model.js";
import type { Metrics, RecipeStep, Step, StepResult } from "../../model/step.js";
import type { Displayable } from "../../display/mime.js";
import type { WeightMasks } from "../../model/sparsity.js";
import { checkOptions, type OptionsSchema } from "../../model/options-schema.js";
import { registerStep } from "../../model/step-registry.js";
import { toMimeBundle } from "../../display/bundle.js";
import { applyMask, magnitudeMasks, SCOPES, type Scope } from "./magnitude-masks.js";
import { asFloat32, weightTargets, type Selection, type WeightTarget } from "./targets.js";
import { layerTable, magnitudeHistogram, nonZero, sparsityChart, totals, weightValues, type LatencyOption, type LayerRow } from "./report.js";

export interface MagnitudeOptions extends Selection {
  /** Fraction of the selected weights set to zero, in [0, 1). */
  readonly sparsity: number;
  /** "layer": each weight loses that fraction; "global": one |w| threshold over all selected weights (default "layer"). */
  readonly scope?: Scope;
  /** onnxruntime latency before/after in the report (default true, batch 1; false skips it). */
  readonly latency?: LatencyOption;
}

export const SELECTION_OPTIONS: OptionsSchema = Object.freeze({
  include: { type: "array", doc: 'node names or op types to prune (default every Conv, ConvTranspose, Gemm and MatMul weight), e.g. ["Gemm"]' },
  exclude: { type: "array", doc: "node names or op types to leave dense" },
  latency: { type: ["boolean", "object"], default: true, doc: "onnxruntime latency before/after in the report: true, false or { batch, runs, warmup }" },
});

export const MAGNITUDE_OPTIONS: OptionsSchema = Object.freeze({
  sparsity: { type: "number", required: true, min: 0, below: 1, doc: "fraction of the selected weights set to zero" },
  scope: { type: "string", oneOf: SCOPES, default: "layer", doc: '"layer" (each weight that fraction) or "global" (one threshold over all)' },
  ...SELECTION_OPTIONS,
});

/** The weights at a sparsity, their masks combined with the model's earlier ones. */
export function pruneByMagnitude(graph: Graph, targets: readonly WeightTarget[], sparsity: number, scope: Scope, previous: WeightMasks): { graph: Graph; masks: Map<string, Uint8Array> } {
  const weights = new Map(targets.map((t) => [t.initializer, asFloat32(t.tensor)]));
  const next = magnitudeMasks(weights, sparsity, scope, previous);
  const pruned = editGraph(graph, (edit) => {
    for (const t of targets) {
      const values = applyMask(t.tensor.data as Float32Array | Float64Array, next.get(t.initializer)!);
      edit.setInitializer(t.initializer, makeTensor(t.tensor.dtype as "float32", t.tensor.dims, values as Float32Array));
    }
  });
  return { graph: pruned, masks: new Map([...previous, ...next]) };
}

/** One row per pruned weight: its node, shape, sparsity and non-zero count before and after. */
export function unstructuredRows(before: Graph, after: Graph, targets: readonly WeightTarget[]): LayerRow[] {
  return targets.map((t) => {
    const next = after.initializers.get(t.initializer)!;
    const kept = nonZero(next);
    return {
      layer: t.node,
      op: t.opType,
      weight: t.initializer,
      before: t.tensor.dims,
      after: next.dims,
      sparsity: 1 - kept / next.data.length,
      paramsBefore: nonZero(before.initializers.get(t.initializer)!),
      paramsAfter: kept,
    };
  });
}

/** Table, bar chart and histogram of an unstructured pruning, with its totals as metrics. */
export async function unstructuredReport(
  step: string,
  before: Graph,
  after: Graph,
  targets: readonly WeightTarget[],
  latency: LatencyOption,
): Promise<{ metrics: Metrics; figures: Displayable[] }> {
  const rows = unstructuredRows(before, after, targets);
  const names = targets.map((t) => t.initializer);
  const metrics = await totals(before, after, { before: names, after: names }, latency);
  const zeros = rows.reduce((n, r) => n + r.sparsity * r.after.reduce((a, b) => a * b, 1), 0);
  const elements = rows.reduce((n, r) => n + r.after.reduce((a, b) => a * b, 1), 0);
  const figures = [
    layerTable(rows, `${step}: ${rows.length} weights`),
    sparsityChart(rows, `${step}: sparsity per layer`),
    magnitudeHistogram(weightValues(before, names), weightValues(after, names), `${step}: |weight| before and after`),
  ];
  return { metrics: { sparsity: elements ? zeros / elements : 0, ...metrics }, figures };
}

export function magnitude(options: MagnitudeOptions): Step {
  checkOptions("prune.magnitude", MAGNITUDE_OPTIONS, options, "{ sparsity: 0.9, scope: \"global\" }");
  const scope = options.scope ?? "layer";
  const selection: Selection = { include: options.include, exclude: options.exclude };
  return {
    step: "prune.magnitude",
    toJSON: (): RecipeStep => ({ step: "prune.magnitude", ...stripUndefined({ ...options, scope }) }),
    async run(model: Model): Promise<StepResult> {
      const targets = weightTargets(model.graph, selection, "prune.magnitude");
      const { graph, masks } = pruneByMagnitude(model.graph, targets, options.sparsity, scope, model.masks);
      const report = await unstructuredReport("prune.magnitude", model.graph, graph, targets, options.latency ?? true);
      return { graph, masks, metrics: { scope, ...report.metrics }, figures: report.figures.map((f) => toMimeBundle(f)) };
    },
  };
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

registerStep({
  name: "prune.magnitude",
  summary: "unstructured L1 pruning: zero the smallest weights of Conv/Gemm/MatMul (masks kept through later training)",
  options: MAGNITUDE_OPTIONS,
  fromJSON: (options) => magnitude(options as unknown as MagnitudeOptions),
});
