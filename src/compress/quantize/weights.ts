// quantize.weights({ bits, perChannel, symmetric, blockSize, format }): weight-
// only quantization. Activations stay float; weights are stored as int8 or
// packed int4 and dequantized by onnxruntime (DequantizeLinear, or MatMulNBits
// for 4-bit MatMul/Gemm when this onnxruntime has it). Smaller files; speed as
// float (measured and reported).
import { cpuFeatures } from "../../core/cpu-features.js";
import { OptionError } from "../../core/errors.js";
import { checkOptions } from "../../model/options-schema.js";
import type { RecipeStep, Step, StepResult } from "../../model/step.js";
import { registerStep } from "../../model/step-registry.js";
import type { Model } from "../../model/model.js";
import { ortAccepts } from "../../runtime/ort.js";
import { assertNotQuantized } from "./already-quantized.js";
import { BITS, type Bits } from "./grid.js";
import { histogramSource } from "./histogram-source.js";
import { matmulNBitsProbe } from "./matmul-nbits.js";
import { measureBeforeAfter } from "./measure.js";
import { reportFigures, reportMetrics } from "./report.js";
import { REPORT_OPTIONS, latencyOptions, reportInputs, reportJson, type ReportOptions } from "./step-options.js";
import { WEIGHT_OPS } from "./weight-axes.js";
import { WEIGHT_FORMATS, quantizeWeightsPass, type WeightFormat } from "./weights-pass.js";

export interface WeightsOptions extends ReportOptions {
  /** 8 (int8) or 4 (int4, packed two to a byte). Default 8. */
  readonly bits?: Bits;
  /** One scale per output channel (default true). */
  readonly perChannel?: boolean;
  /** Zero point 0, grid symmetric around it (default true). */
  readonly symmetric?: boolean;
  /** Values per scale along the reduction axis; default 32 for 4-bit, none (0) for 8-bit. */
  readonly blockSize?: number;
  /** "auto": MatMulNBits for 4-bit MatMul/Gemm where onnxruntime has it, DequantizeLinear elsewhere. */
  readonly format?: WeightFormat;
  /** Op types whose weights are quantized (default all of Conv, ConvTranspose, Gemm, MatMul, Gather). */
  readonly ops?: readonly string[];
}

export const WEIGHTS_DEFAULTS = Object.freeze({ bits: 8 as Bits, perChannel: true, symmetric: true, format: "auto" as WeightFormat, ops: WEIGHT_OPS });

const SCHEMA = Object.freeze({
  bits: { type: "integer", oneOf: BITS, default: 8, doc: "weight bits: 8 (int8) or 4 (int4, two a byte)" },
  perChannel: { type: "boolean", default: true, doc: "one scale per output channel (else one per tensor)" },
  symmetric: { type: "boolean", default: true, doc: "zero point 0 (signed grid) instead of an unsigned grid with a zero point" },
  blockSize: { type: "integer", min: 0, doc: "values per scale along the reduction axis (default 32 for 4-bit, 0 = no blocks for 8-bit)" },
  format: { type: "string", oneOf: WEIGHT_FORMATS, default: "auto", doc: "auto | qdq (DequantizeLinear only) | matmulnbits (onnxruntime's 4-bit MatMul)" },
  ops: { type: "array", doc: `op types to quantize, from [${WEIGHT_OPS.join(", ")}]` },
  ...REPORT_OPTIONS,
} as const);

function check(options: WeightsOptions): void {
  checkOptions("quantize.weights", SCHEMA, options, "{ bits: 4, blockSize: 32 }");
  const problems: string[] = [];
  const bad = (options.ops ?? []).filter((op) => !(WEIGHT_OPS as readonly string[]).includes(op));
  if (bad.length > 0) problems.push(`ops must be from [${WEIGHT_OPS.join(", ")}], got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
  if (options.blockSize === 1) problems.push("blockSize must be 0 (no blocks) or ≥ 2, got 1");
  if (options.format === "matmulnbits" && (options.bits ?? 8) !== 4) problems.push(`format "matmulnbits" needs bits: 4, got bits: ${options.bits ?? 8}`);
  if (problems.length > 0) throw new OptionError(`quantize.weights: ${problems.join("; ")}`, { details: { problems } });
}

let nbitsSupport: Promise<true | string> | undefined;

/** Whether this onnxruntime has com.microsoft MatMulNBits (with a bias input): checked once per process. */
export function matmulNBitsSupport(): Promise<true | string> {
  nbitsSupport ??= ortAccepts(matmulNBitsProbe());
  return nbitsSupport;
}

export function weights(options: WeightsOptions = {}): Step {
  check(options);
  const bits = options.bits ?? WEIGHTS_DEFAULTS.bits;
  const blockSize = options.blockSize ?? (bits === 4 ? 32 : 0);
  const format = options.format ?? WEIGHTS_DEFAULTS.format;
  return {
    step: "quantize.weights",
    toJSON(): RecipeStep {
      return {
        step: "quantize.weights",
        bits,
        perChannel: options.perChannel ?? WEIGHTS_DEFAULTS.perChannel,
        symmetric: options.symmetric ?? WEIGHTS_DEFAULTS.symmetric,
        blockSize,
        format,
        ...(options.ops ? { ops: [...options.ops] } : {}),
        ...reportJson(options),
      };
    },
    async run(model: Model): Promise<StepResult> {
      assertNotQuantized(model.graph, "quantize.weights");
      const nbits = bits === 4 && format !== "qdq" ? await matmulNBitsSupport() : "not needed for 8-bit weights";
      if (format === "matmulnbits" && nbits !== true) throw new OptionError(`quantize.weights: format "matmulnbits" asked for, but this onnxruntime refuses MatMulNBits: ${nbits}`);
      const pass = quantizeWeightsPass(model.graph, {
        bits,
        perChannel: options.perChannel ?? WEIGHTS_DEFAULTS.perChannel,
        symmetric: options.symmetric ?? WEIGHTS_DEFAULTS.symmetric,
        blockSize,
        format,
        ops: options.ops ?? WEIGHTS_DEFAULTS.ops,
        nbits,
      });
      const { validation, feeds } = await reportInputs(model.graph, options);
      const latency = latencyOptions(options);
      const measured = await measureBeforeAfter(model.graph, pass.graph, { feeds, ...(validation ? { validation } : {}), ...(latency ? { latency } : {}) });
      const histogram = histogramSource(pass.weights);
      const report = { step: "quantize.weights", layers: pass.layers, measured, cpu: cpuFeatures(), ...(histogram ? { histogram } : {}) };
      return { graph: pass.graph, metrics: reportMetrics(report), figures: reportFigures(report) };
    },
  };
}

registerStep({
  name: "quantize.weights",
  summary: "weight-only int8/int4 (per channel or in blocks): DequantizeLinear, or MatMulNBits for 4-bit MatMul/Gemm",
  options: SCHEMA,
  fromJSON: (options) => weights(options as WeightsOptions),
});
