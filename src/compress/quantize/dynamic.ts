// quantize.dynamic({ bits: 8, ops, perChannel }): int8 weights, activations
// quantized per batch at run time (DynamicQuantizeLinear) into MatMulInteger /
// ConvInteger, as onnxruntime's own dynamic quantizer does. No calibration data.
import { cpuFeatures } from "../../core/cpu-features.js";
import { OptionError } from "../../core/errors.js";
import { checkOptions } from "../../model/options-schema.js";
import type { Model } from "../../model/model.js";
import type { RecipeStep, Step, StepResult } from "../../model/step.js";
import { registerStep } from "../../model/step-registry.js";
import { assertNotQuantized } from "./already-quantized.js";
import { DYNAMIC_OPS, quantizeDynamicPass } from "./dynamic-pass.js";
import { histogramSource } from "./histogram-source.js";
import { measureBeforeAfter } from "./measure.js";
import { reportFigures, reportMetrics } from "./report.js";
import { REDUCE_RANGE_OPTION, REPORT_OPTIONS, latencyOptions, reduceRangeNote, resolveReduceRange, reportInputs, reportJson, type ReportOptions } from "./step-options.js";

export interface DynamicOptions extends ReportOptions {
  /** 8 only: DynamicQuantizeLinear produces uint8. */
  readonly bits?: 8;
  /** Op types to quantize (default MatMul, Gemm, Conv). */
  readonly ops?: readonly string[];
  /** One weight scale per output channel (default true). */
  readonly perChannel?: boolean;
  /** int8 weights on [-64, 64] (default: on where this CPU's int8 kernels saturate; see int8PairsSaturate). */
  readonly reduceRange?: boolean;
}

const SCHEMA = Object.freeze({
  bits: { type: "integer", default: 8, doc: "8: DynamicQuantizeLinear is uint8 (for 4-bit weights use quantize.weights)" },
  ops: { type: "array", doc: `op types to quantize, from [${DYNAMIC_OPS.join(", ")}] (default all)` },
  perChannel: { type: "boolean", default: true, doc: "one weight scale per output channel" },
  ...REDUCE_RANGE_OPTION,
  ...REPORT_OPTIONS,
} as const);

function check(options: DynamicOptions): void {
  checkOptions("quantize.dynamic", SCHEMA, options, "{ ops: [\"MatMul\", \"Gemm\"] }");
  const problems: string[] = [];
  if (options.bits !== undefined && options.bits !== 8) {
    problems.push(`bits must be 8 (DynamicQuantizeLinear quantizes to uint8), got ${options.bits}; for 4-bit weights use quantize.weights({ bits: 4 })`);
  }
  const bad = (options.ops ?? []).filter((op) => !(DYNAMIC_OPS as readonly string[]).includes(op));
  if (bad.length > 0) problems.push(`ops must be from [${DYNAMIC_OPS.join(", ")}], got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
  if (problems.length > 0) throw new OptionError(`quantize.dynamic: ${problems.join("; ")}`, { details: { problems } });
}

export function dynamic(options: DynamicOptions = {}): Step {
  check(options);
  const ops = options.ops ?? DYNAMIC_OPS;
  const perChannel = options.perChannel ?? true;
  const reduceRange = resolveReduceRange(options.reduceRange);
  return {
    step: "quantize.dynamic",
    toJSON(): RecipeStep {
      return { step: "quantize.dynamic", bits: 8, ops: [...ops], perChannel, reduceRange, ...reportJson(options) };
    },
    async run(model: Model): Promise<StepResult> {
      assertNotQuantized(model.graph, "quantize.dynamic");
      const pass = quantizeDynamicPass(model.graph, { perChannel, ops, reduceRange });
      const { validation, feeds } = await reportInputs(model.graph, options);
      const latency = latencyOptions(options);
      const measured = await measureBeforeAfter(model.graph, pass.graph, { feeds, ...(validation ? { validation } : {}), ...(latency ? { latency } : {}) });
      const histogram = histogramSource(pass.weights);
      const report = { step: "quantize.dynamic", layers: pass.layers, measured, cpu: cpuFeatures(), notes: [reduceRangeNote(reduceRange, options.reduceRange)], ...(histogram ? { histogram } : {}) };
      return { graph: pass.graph, metrics: reportMetrics(report), figures: reportFigures(report) };
    },
  };
}

registerStep({
  name: "quantize.dynamic",
  summary: "int8 weights, activations quantized per batch (DynamicQuantizeLinear + MatMulInteger/ConvInteger)",
  options: SCHEMA,
  fromJSON: (options) => dynamic(options as DynamicOptions),
});
