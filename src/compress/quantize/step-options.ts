// Options every quantize step shares (what to measure before/after) and the
// sample inputs its output SQNR is computed on.
import type { Dataset } from "../../data/dataset.js";
import type { Graph, Tensor } from "../../graph/types.js";
import type { OptionsSchema } from "../../model/options-schema.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { datasetFor, dataReference, type DataInput } from "../../train/from-dataset.js";
import type { LatencyOptions } from "./measure.js";
import { cpuFeatures, int8PairsSaturate } from "../../core/cpu-features.js";

/** The int8 weight range option of quantize.static, .dynamic and .qat. */
export const REDUCE_RANGE_OPTION: OptionsSchema = Object.freeze({
  reduceRange: {
    type: "boolean",
    doc: "int8 weights on [-64, 64], where onnxruntime's uint8×int8 kernels cannot saturate on x86 CPUs without VNNI (default: on exactly when this CPU is one)",
  },
});

/** The option as given, else this CPU's answer; recipes record the result, so a replay builds the same graph anywhere. */
export function resolveReduceRange(given: boolean | undefined): boolean {
  return given ?? int8PairsSaturate();
}

/** The report's line on the weight range chosen, and why. */
export function reduceRangeNote(reduceRange: boolean, given: boolean | undefined): string {
  const cpu = cpuFeatures();
  const saturates = int8PairsSaturate(cpu);
  const why = saturates
    ? `this CPU (${cpu.flags.join(" ") || "flags unknown"}) has no int8 dot product, so onnxruntime adds uint8×int8 product pairs in saturating int16`
    : "this CPU has an int8 dot product (no saturation)";
  if (reduceRange) return `int8 weights on [-64, 64] (reduceRange${given === undefined ? ", chosen for this CPU" : ""}): ${why}`;
  return `int8 weights on [-127, 127]${given === undefined ? "" : " (reduceRange: false)"}: ${why}${saturates ? " — results here may be clipped; set reduceRange: true" : "; on an x86 CPU without VNNI the same model would saturate (reduceRange: true avoids it)"}`;
}

export interface ReportOptions {
  /** Labelled data to report accuracy before/after on (onnxruntime), e.g. "mnist:test". */
  readonly validation?: DataInput;
  /** Measure onnxruntime latency before/after (default true). */
  readonly latency?: boolean;
  /** Batch of the latency measurements (default 8). */
  readonly latencyBatch?: number;
}

export const REPORT_DEFAULTS = Object.freeze({ latency: true, latencyBatch: 8 });

export const REPORT_OPTIONS: OptionsSchema = Object.freeze({
  validation: { type: "data", doc: 'labelled data for accuracy before/after, e.g. "mnist:test"' },
  latency: { type: "boolean", default: REPORT_DEFAULTS.latency, doc: "measure onnxruntime latency before and after" },
  latencyBatch: { type: "integer", min: 1, default: REPORT_DEFAULTS.latencyBatch, doc: "batch size of the latency measurements" },
});

/** Samples for output SQNR when no calibration data is at hand: the validation set's first 64, or seeded random inputs. */
const SQNR_SAMPLES = 64;

export async function reportInputs(graph: Graph, o: ReportOptions): Promise<{ validation?: Dataset; feeds: Record<string, Tensor>[] }> {
  const validation = o.validation === undefined ? undefined : await datasetFor(o.validation, graph);
  if (validation && graph.inputs.length === 1) {
    const [batch] = validation.take(SQNR_SAMPLES).batches(SQNR_SAMPLES, { epoch: 0 });
    if (batch) return { validation, feeds: [{ [graph.inputs[0]!.name]: batch.x }] };
  }
  const intMax = tokenRange(graph);
  const feeds = [1, 2, 3, 4].map((seed) => randomInputs(graph, { seed, batch: SQNR_SAMPLES / 4, intMax }));
  return { ...(validation ? { validation } : {}), feeds };
}

/** Integer inputs that index an embedding table get tokens from the whole table (else [0, 10)). */
function tokenRange(graph: Graph): number {
  const inputs = new Set(graph.inputs.filter((i) => i.dtype.startsWith("int")).map((i) => i.name));
  let rows = Number.POSITIVE_INFINITY;
  for (const node of graph.nodes) {
    if (node.opType !== "Gather" || !inputs.has(node.inputs[1] ?? "")) continue;
    const table = graph.initializers.get(node.inputs[0]!);
    if (table && table.dims.length > 0) rows = Math.min(rows, table.dims[0]!);
  }
  return Number.isFinite(rows) ? rows : 10;
}

export function latencyOptions(o: ReportOptions): LatencyOptions | undefined {
  if (o.latency === false) return undefined;
  return { batch: o.latencyBatch ?? REPORT_DEFAULTS.latencyBatch, runs: 20, warmupMs: 500 };
}

export function reportJson(o: ReportOptions): Record<string, unknown> {
  return {
    ...(o.validation !== undefined ? { validation: dataReference(o.validation, "validation") } : {}),
    ...(o.latency !== undefined ? { latency: o.latency } : {}),
    ...(o.latencyBatch !== undefined ? { latencyBatch: o.latencyBatch } : {}),
  };
}
