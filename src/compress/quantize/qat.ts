// quantize.qat({ data, epochs, bits }): quantization-aware training. The model
// is first quantized as quantize.static does (BatchNorm folded, Relu fused,
// activation grids from calibration data, which defaults to the training
// data), then trained as that QDQ graph: every weight behind a
// QuantizeLinear→DequantizeLinear pair on its int8 grid, differentiated with
// the straight-through estimator (train/fake-quant.ts), so training sees the
// rounding the deployed model does. The result is the same QDQ graph with
// trained integers, which onnxruntime fuses into integer kernels like any
// static one. A quantized student can also be distilled: distill() trains a
// QDQ graph the same way.
import { OptionError } from "../../core/errors.js";
import { checkOptions } from "../../model/options-schema.js";
import type { Model } from "../../model/model.js";
import type { Metrics, RecipeStep, Step, StepResult } from "../../model/step.js";
import { registerStep } from "../../model/step-registry.js";
import { evaluate } from "../../model/evaluate.js";
import { FINETUNE_DEFAULTS } from "../../train/options.js";
import { TRAIN_STEP_OPTIONS, checkTrainStepOptions, trainStepJson, type TrainStepOptions } from "../../train/steps.js";
import { datasetFor, trainDataOf } from "../../train/from-dataset.js";
import { finetuneGraph } from "../../train/train-graph.js";
import { table } from "../../display/table.js";
import { toMimeBundle } from "../../display/bundle.js";
import type { CalibrationInput } from "./calibration-data.js";
import { calibrationReference } from "./calibration-data.js";
import { CALIBRATION_METHODS, type CalibrationMethod } from "./observers/index.js";
import { STATIC_DEFAULTS, staticQuantize } from "./static.js";
import { REDUCE_RANGE_OPTION, resolveReduceRange } from "./step-options.js";

export interface QatOptions extends TrainStepOptions {
  /** 8 only: int8 weights and activations (onnxruntime's integer kernels). */
  readonly bits?: 8;
  /** Where activation ranges come from (default: the training data). */
  readonly calibration?: CalibrationInput;
  /** Calibration samples (default 512). */
  readonly samples?: number;
  readonly method?: CalibrationMethod;
  /** Weight scales per output channel (default true). */
  readonly perChannel?: boolean;
  /** Activations int8 with zero point 0 instead of uint8 (default false). */
  readonly symmetric?: boolean;
  /** int8 weights on [-64, 64] (default: on where this CPU's int8 kernels saturate; see quantize.static). */
  readonly reduceRange?: boolean;
}

/** A couple of epochs at a fine-tuning rate: QAT starts from trained weights. */
export const QAT_DEFAULTS = Object.freeze({ ...FINETUNE_DEFAULTS, epochs: 2 });

const QUANT_KEYS = ["bits", "calibration", "samples", "method", "perChannel", "symmetric", "reduceRange"] as const;

const SCHEMA = Object.freeze({
  ...TRAIN_STEP_OPTIONS,
  epochs: { ...TRAIN_STEP_OPTIONS.epochs!, default: QAT_DEFAULTS.epochs },
  lr: { ...TRAIN_STEP_OPTIONS.lr!, default: QAT_DEFAULTS.lr },
  bits: { type: "integer", default: 8, doc: "8 (int8 weights and activations)" },
  calibration: { type: ["data", "object"], doc: "activation-range data (default: the training data)" },
  samples: { type: "integer", min: 1, default: STATIC_DEFAULTS.samples, doc: "calibration samples" },
  method: { type: "string", oneOf: CALIBRATION_METHODS, default: STATIC_DEFAULTS.method, doc: "how observed values become a range" },
  perChannel: { type: "boolean", default: STATIC_DEFAULTS.perChannel, doc: "weight scales per output channel" },
  symmetric: { type: "boolean", default: STATIC_DEFAULTS.symmetric, doc: "activations int8 with zero point 0 instead of uint8" },
  ...REDUCE_RANGE_OPTION,
} as const);

function split(options: QatOptions): { quant: Partial<QatOptions>; train: TrainStepOptions } {
  const quant: Record<string, unknown> = {};
  const train: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) ((QUANT_KEYS as readonly string[]).includes(k) ? quant : train)[k] = v;
  return { quant: quant as Partial<QatOptions>, train: train as unknown as TrainStepOptions };
}

function check(options: QatOptions): void {
  checkOptions("quantize.qat", SCHEMA, options, '{ data: "mnist:train", epochs: 2 }');
  if (options.bits !== undefined && options.bits !== 8) {
    throw new OptionError(`quantize.qat: bits must be 8 (int8 kernels), got ${JSON.stringify(options.bits)}; for 4-bit weights use quantize.weights({ bits: 4 }) after training`, {
      details: { expected: [8], got: options.bits },
    });
  }
  checkTrainStepOptions("quantize.qat", split(options).train, QAT_DEFAULTS);
}

export function qat(options: QatOptions): Step {
  check(options);
  const { quant, train } = split(options);
  const reduceRange = resolveReduceRange(quant.reduceRange);
  return {
    step: "quantize.qat",
    toJSON(): RecipeStep {
      const json = trainStepJson("quantize.qat", train) as Record<string, unknown>;
      return {
        ...json,
        bits: 8,
        ...(quant.calibration !== undefined ? { calibration: calibrationReference(quant.calibration) } : {}),
        samples: quant.samples ?? STATIC_DEFAULTS.samples,
        method: quant.method ?? STATIC_DEFAULTS.method,
        perChannel: quant.perChannel ?? STATIC_DEFAULTS.perChannel,
        symmetric: quant.symmetric ?? STATIC_DEFAULTS.symmetric,
        reduceRange,
      } as unknown as RecipeStep;
    },
    async run(model: Model): Promise<StepResult> {
      const calibration = quant.calibration ?? options.data;
      const ptq = await staticQuantize({
        calibration,
        samples: quant.samples ?? STATIC_DEFAULTS.samples,
        method: quant.method ?? STATIC_DEFAULTS.method,
        perChannel: quant.perChannel ?? STATIC_DEFAULTS.perChannel,
        symmetric: quant.symmetric ?? STATIC_DEFAULTS.symmetric,
        reduceRange,
        latencyAware: false,
        latency: false,
        ...(options.validation !== undefined ? { validation: options.validation } : {}),
      }).run(model);
      const data = await datasetFor(options.data, model.graph);
      const validation = options.validation === undefined ? undefined : await datasetFor(options.validation, model.graph);
      const { validation: _reference, ...rest } = train;
      const trained = await finetuneGraph(ptq.graph, {
        ...QAT_DEFAULTS,
        ...rest,
        data: trainDataOf(data),
        ...(validation ? { validation: trainDataOf(validation) } : {}),
      });
      const accuracy = validation ? (await evaluate(trained.graph, validation, { runtime: "ort" })).accuracy : undefined;
      const metrics: Metrics = {
        ...ptq.metrics,
        ...(accuracy !== undefined ? { accuracyPtq: ptq.metrics.accuracyAfter ?? null, accuracyAfter: accuracy } : {}),
        trainLoss: trained.metrics.loss,
        trainAccuracy: trained.metrics.accuracy,
        epochs: trained.metrics.epochs,
        trainSeconds: trained.metrics.seconds,
      };
      const rows = [
        { model: "fp32", accuracy: fmt(ptq.metrics.accuracyBefore) },
        { model: "int8 after calibration (quantize.static)", accuracy: fmt(ptq.metrics.accuracyAfter) },
        { model: `int8 after ${trained.metrics.epochs} QAT epoch${trained.metrics.epochs === 1 ? "" : "s"}`, accuracy: fmt(accuracy) },
      ];
      const summary = table(rows, { title: "quantize.qat: accuracy (onnxruntime)" });
      return { graph: trained.graph, metrics, figures: [...(ptq.figures ?? []), ...(validation ? [toMimeBundle(summary)] : [])] };
    },
  };
}

function fmt(v: unknown): string {
  return typeof v === "number" ? `${(v * 100).toFixed(2)}%` : "—";
}

registerStep({
  name: "quantize.qat",
  summary: "quantization-aware training: static int8 QDQ, then trained through fake quantization (straight-through estimator)",
  options: SCHEMA,
  observers: ["onEpoch", "display"],
  fromJSON: (options) => qat(options as unknown as QatOptions),
});
