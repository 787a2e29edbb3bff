// quantize.static({ calibration, samples, method, perChannel, symmetric }):
// post-training static quantization to int8 QDQ. BatchNorm folded and Relu
// fused first, activation ranges from calibration data (minmax, percentile or
// entropy observers), Q/DQ placed where onnxruntime fuses them into integer
// kernels, and — unless latencyAware is false — each layer timed in
// onnxruntime on this CPU and kept float where int8 would be slower.
import { cpuFeatures } from "../../core/cpu-features.js";
import { OptionError } from "../../core/errors.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import type { Graph, Node } from "../../graph/types.js";
import { checkOptions } from "../../model/options-schema.js";
import type { Model } from "../../model/model.js";
import type { RecipeStep, Step, StepResult } from "../../model/step.js";
import { registerStep } from "../../model/step-registry.js";
import { assertNotQuantized } from "./already-quantized.js";
import { calibrate } from "./calibrate.js";
import { calibrationBatches, calibrationReference, calibrationSet, type CalibrationInput, type CalibrationSet } from "./calibration-data.js";
import { foldBatchNorm } from "./fold-batchnorm.js";
import { histogramSource } from "./histogram-source.js";
import { timeLayers, type LayerTiming } from "./latency-choice.js";
import type { LayerRow } from "./layer-report.js";
import { measureBeforeAfter, ortLatencies } from "./measure.js";
import { CALIBRATION_METHODS, DEFAULT_PERCENTILE, type CalibrationMethod } from "./observers/index.js";
import { prepareGraph } from "./prepare-graph.js";
import { COMPUTE_OPS, placeQdq, type QdqPlan } from "./qdq-placement.js";
import { reportFigures, reportMetrics } from "./report.js";
import { emitQdq, type StaticPassResult } from "./static-pass.js";
import { REDUCE_RANGE_OPTION, REPORT_DEFAULTS, REPORT_OPTIONS, latencyOptions, reduceRangeNote, resolveReduceRange, reportInputs, reportJson, type ReportOptions } from "./step-options.js";

export interface StaticOptions extends ReportOptions {
  /** A Dataset, "mnist:train", an .npz named like the model's inputs, or { inputName: Tensor }. */
  readonly calibration: CalibrationInput;
  /** Calibration samples used (default 512, or all there are). */
  readonly samples?: number;
  readonly method?: CalibrationMethod;
  /** Kept fraction for method "percentile" (default 99.999). */
  readonly percentile?: number;
  /** 8 only (int8 kernels). */
  readonly bits?: 8;
  /** Weight scales per output channel (default true). */
  readonly perChannel?: boolean;
  /** Activations on a symmetric int8 grid (zero point 0) instead of uint8 (default false; Relu is fused only when false). */
  readonly symmetric?: boolean;
  /** Op types to quantize (default all of COMPUTE_OPS). */
  readonly ops?: readonly string[];
  /** Time each layer in onnxruntime and keep float what int8 makes slower (default true). */
  readonly latencyAware?: boolean;
  /** Layers (node names) to keep float regardless. */
  readonly keepFloat?: readonly string[];
  /** int8 weights on [-64, 64] (default: on where this CPU's int8 kernels saturate; see int8PairsSaturate). */
  readonly reduceRange?: boolean;
}

export const STATIC_DEFAULTS = Object.freeze({ samples: 512, method: "minmax" as CalibrationMethod, perChannel: true, symmetric: false, latencyAware: true });

const SCHEMA = Object.freeze({
  calibration: { type: ["data", "object"], required: true, doc: 'calibration inputs: a Dataset, "mnist:train", or an .npz whose arrays are named like the model\'s inputs' },
  samples: { type: "integer", min: 1, default: STATIC_DEFAULTS.samples, doc: "calibration samples to use" },
  method: { type: "string", oneOf: CALIBRATION_METHODS, default: STATIC_DEFAULTS.method, doc: "how observed values become a range" },
  percentile: { type: "number", above: 50, max: 100, default: DEFAULT_PERCENTILE, doc: "kept % of |x| for method percentile" },
  bits: { type: "integer", default: 8, doc: "8 (int8 kernels; for 4-bit weights use quantize.weights)" },
  perChannel: { type: "boolean", default: STATIC_DEFAULTS.perChannel, doc: "weight scales per output channel" },
  symmetric: { type: "boolean", default: STATIC_DEFAULTS.symmetric, doc: "activations int8 with zero point 0 instead of uint8 (Relu is fused only when false)" },
  ops: { type: "array", doc: `op types to quantize, from [${COMPUTE_OPS.join(", ")}]` },
  latencyAware: { type: "boolean", default: STATIC_DEFAULTS.latencyAware, doc: "time each layer in onnxruntime and keep float what int8 makes slower on this CPU" },
  keepFloat: { type: "array", doc: "node names to keep float" },
  ...REDUCE_RANGE_OPTION,
  ...REPORT_OPTIONS,
} as const);

function check(options: StaticOptions): void {
  checkOptions("quantize.static", SCHEMA, options, '{ calibration: "mnist:train", samples: 512 }');
  const problems: string[] = [];
  if (options.bits !== undefined && options.bits !== 8) problems.push(`bits must be 8 (int8 kernels), got ${options.bits}; for 4-bit weights use quantize.weights({ bits: 4 })`);
  const bad = (options.ops ?? []).filter((op) => !(COMPUTE_OPS as readonly string[]).includes(op));
  if (bad.length > 0) problems.push(`ops must be from [${COMPUTE_OPS.join(", ")}], got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
  if (problems.length > 0) throw new OptionError(`quantize.static: ${problems.join("; ")}`, { details: { problems } });
}

/** Up to 64 calibration samples for the output SQNR. */
function sqnrFeeds(set: CalibrationSet) {
  return [...calibrationBatches({ ...set, count: Math.min(64, set.count) }, 16)];
}

function unknownLayers(graph: Graph, names: readonly string[]): void {
  const known = new Set(graph.nodes.map((n) => n.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0) throw new OptionError(`quantize.static: keepFloat names no node of graph "${graph.name}": ${missing.map((m) => `"${m}"`).join(", ")}`);
}

function withTimings(rows: readonly LayerRow[], timings: readonly LayerTiming[], cpu: string): LayerRow[] {
  const byLayer = new Map(timings.map((t) => [t.layer, t]));
  return rows.map((row) => {
    const t = byLayer.get(row.layer);
    if (!t) return row;
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    const reason = t.keepInt8
      ? `${row.reason}: int8 kernel ${ms(t.int8Ms)} ≤ float between Q/DQ ${ms(t.islandMs)} (float alone ${ms(t.floatMs)})`
      : `float: int8 kernel ${ms(t.int8Ms)} > float between Q/DQ ${ms(t.islandMs)} on this CPU (${cpu})`;
    return { ...row, floatMs: t.floatMs, int8Ms: t.int8Ms, reason };
  });
}

export function staticQuantize(options: StaticOptions): Step {
  check(options);
  const samples = options.samples ?? STATIC_DEFAULTS.samples;
  const method = options.method ?? STATIC_DEFAULTS.method;
  const perChannel = options.perChannel ?? STATIC_DEFAULTS.perChannel;
  const symmetric = options.symmetric ?? STATIC_DEFAULTS.symmetric;
  const latencyAware = options.latencyAware ?? STATIC_DEFAULTS.latencyAware;
  const reduceRange = resolveReduceRange(options.reduceRange);
  const ops = options.ops ?? COMPUTE_OPS;
  return {
    step: "quantize.static",
    toJSON(): RecipeStep {
      return {
        step: "quantize.static",
        calibration: calibrationReference(options.calibration),
        samples,
        method,
        ...(method === "percentile" ? { percentile: options.percentile ?? DEFAULT_PERCENTILE } : {}),
        bits: 8,
        perChannel,
        symmetric,
        reduceRange,
        ops: [...ops],
        latencyAware,
        ...(options.keepFloat ? { keepFloat: [...options.keepFloat] } : {}),
        ...reportJson(options),
      };
    },
    async run(model: Model): Promise<StepResult> {
      assertNotQuantized(model.graph, "quantize.static");
      unknownLayers(model.graph, options.keepFloat ?? []);
      const folded = foldBatchNorm(prepareGraph(model.graph));
      const typed = inferShapesWithReport(folded.graph).graph;
      const isFloat = (v: string) => (typed.valueInfo.get(v) ?? typed.inputs.find((i) => i.name === v))?.dtype === "float32";
      const set = await calibrationSet(typed, options.calibration, samples, "quantize.static");
      const candidates = folded.graph.nodes.filter((n: Node) => ops.includes(n.opType));
      const place = (keepFloat: ReadonlySet<string>): QdqPlan => placeQdq(typed, { ops, keepFloat, asymmetric: !symmetric, isFloat });
      const userFloat = new Set(options.keepFloat ?? []);
      const planAll = place(userFloat);
      const ranges = await calibrate(typed, [...planAll.grids.keys()], set, method, options.percentile);
      const pass = { perChannel, symmetric, reduceRange };
      const all = emitQdq(folded.graph, planAll, ranges, pass, candidates);
      const batch = options.latencyBatch ?? REPORT_DEFAULTS.latencyBatch;
      const cpu = cpuFeatures();
      const cpuFlags = cpu.flags.join(" ") || "flags unknown";
      let chosen: StaticPassResult = all;
      let layers = all.layers;
      const notes: string[] = [];
      let latencyMs: readonly [number, number] | undefined;
      if (latencyAware) {
        const timings = await timeLayers(folded.graph, planAll, all, { batch, runs: 10 });
        const slower = timings.filter((t) => !t.keepInt8).map((t) => t.layer);
        let mixed: StaticPassResult | undefined;
        if (slower.length > 0) mixed = emitQdq(folded.graph, place(new Set([...userFloat, ...slower])), ranges, pass, candidates);
        const graphs = [model.graph, all.graph, ...(mixed ? [mixed.graph] : [])];
        const [fp32Ms, allMs, mixedMs] = await ortLatencies(graphs, { batch, runs: 10, warmupMs: 1000 });
        chosen = mixed && mixedMs! < allMs! ? mixed : all;
        latencyMs = [fp32Ms!, chosen === all ? allMs! : mixedMs!];
        notes.push(
          `whole model, batch ${batch}: fp32 ${fp32Ms!.toFixed(2)} ms, all int8 ${allMs!.toFixed(2)} ms` +
            (mixed ? `, int8 with ${slower.length} layer${slower.length > 1 ? "s" : ""} float ${mixedMs!.toFixed(2)} ms → kept ${chosen === all ? "all int8" : "the mix"}` : " (every layer faster in int8)"),
        );
        const rows = withTimings(chosen.layers, timings, cpuFlags);
        layers = chosen === all && mixed ? rows.map((r) => (slower.includes(r.layer) ? { ...r, reason: `${r.reason}; kept int8: the whole model was faster all int8` } : r)) : rows;
      }
      if (folded.folded.length > 0) notes.push(`BatchNorm folded: ${folded.folded.length} (${folded.folded.slice(0, 3).join(", ")}${folded.folded.length > 3 ? ", …" : ""})`);
      notes.push(`calibration: ${set.count} samples from ${set.source}, method ${method}`);
      notes.push(reduceRangeNote(reduceRange, options.reduceRange));
      const { validation } = await reportInputs(model.graph, options);
      const latency = latencyMs ? undefined : latencyOptions(options);
      const measured = await measureBeforeAfter(model.graph, chosen.graph, { feeds: sqnrFeeds(set), ...(validation ? { validation } : {}), ...(latency ? { latency } : {}) });
      const histogram = histogramSource(chosen.weights);
      const report = {
        step: "quantize.static",
        layers,
        measured: latencyMs ? { ...measured, latencyMs, latencyBatch: batch } : measured,
        cpu,
        notes,
        ...(histogram ? { histogram } : {}),
      };
      const metrics = { ...reportMetrics(report), foldedBatchNorms: folded.folded.length, calibrationSamples: set.count, method };
      return { graph: chosen.graph, metrics, figures: reportFigures(report) };
    },
  };
}

registerStep({
  name: "quantize.static",
  summary: "int8 QDQ from calibration data (BatchNorm folded, Relu fused, onnxruntime-fusable placement, latency-aware per layer)",
  options: SCHEMA,
  fromJSON: (options) => staticQuantize(options as unknown as StaticOptions),
});
