// distill({ teacher, data, temperature, alpha, features, … }): trains the
// student on Hinton's loss against a teacher run in onnxruntime, optionally
// with hint losses between named intermediate values. Everything that can be
// wrong (options, teacher/student shapes, feature names, labels) is reported
// before the first step.
import { OptionError, ShapeError, TrainingError, mustBeOneOf } from "../../core/errors.js";
import type { Dataset } from "../../data/dataset.js";
import { sampleDimsOf } from "../../data/fit.js";
import type { Graph } from "../../graph/types.js";
import { inferShapesWithReport } from "../../graph/shape-inference/index.js";
import { Model } from "../../model/model.js";
import { seededRandom } from "../../core/random.js";
import { createOrtSession } from "../../runtime/ort.js";
import { tf } from "../../runtime/tfjs/tf.js";
import type { Metrics, RecipeStep, Step, StepResult } from "../../model/step.js";
import { TRAIN_DEFAULTS, type LossFunction, type TrainOptions } from "../../train/options.js";
import { registerStep, resolveModelReference } from "../../model/step-registry.js";
import { TRAIN_STEP_OPTIONS, checkTrainStepOptions, trainStepJson, withPruningReport, type TrainStepOptions } from "../../train/steps.js";
import { datasetFor, trainDataOf } from "../../train/from-dataset.js";
import { trainGraph } from "../../train/train-graph.js";
import { distillData, type DistillBatch } from "./data.js";
import { featureMse, distillationLoss } from "./loss.js";
import { withFeatureOutputs, withoutFeatureOutputs, type FeaturePair, type FeatureTarget } from "./features.js";
import { cachedTeacher, perBatchTeacher, type TeacherSource } from "./teacher.js";

/** A teacher: a Model, a model reference (path or zoo spec), or a recipe reference { from, steps }. */
export type TeacherInput = Model | string | { readonly from: string | null; readonly steps: readonly RecipeStep[] };

export interface DistillOptions extends TrainStepOptions {
  readonly teacher: TeacherInput;
  /** Softmax temperature of the soft targets (default 4). */
  readonly temperature?: number;
  /** Weight of the soft-target term; 1 − alpha goes to the labels (default 0.9). */
  readonly alpha?: number;
  /** Hint losses: MSE between student and teacher values, through an adapter when widths differ. */
  readonly features?: readonly FeaturePair[];
}

export const DISTILL_DEFAULTS = Object.freeze({ temperature: 4, alpha: 0.9 });
const DISTILL_KEYS = ["teacher", "temperature", "alpha", "features"] as const;
const FEATURE_MSE_SAMPLES = 512;

function checkOptions(options: DistillOptions): void {
  if (options === null || typeof options !== "object") {
    throw new OptionError(`distill() takes an options object such as { teacher, data: "mnist:train" }, got ${JSON.stringify(options)}`);
  }
  const problems: string[] = [];
  const t = options.teacher as unknown;
  const teacherOk = t instanceof Model || (typeof t === "string" && t !== "") || (typeof t === "object" && t !== null && Array.isArray((t as { steps?: unknown }).steps));
  if (!teacherOk) problems.push(`teacher must be a Model, a model path or spec, or { from, steps }, got ${JSON.stringify(t)}`);
  const T = options.temperature ?? DISTILL_DEFAULTS.temperature;
  if (typeof T !== "number" || !(T > 0) || !Number.isFinite(T)) problems.push(`temperature must be a number > 0, got ${JSON.stringify(T)}`);
  const alpha = options.alpha ?? DISTILL_DEFAULTS.alpha;
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) problems.push(`alpha must be a number in [0, 1], got ${JSON.stringify(alpha)}`);
  if (options.features !== undefined && !Array.isArray(options.features)) problems.push(`features must be an array of { student, teacher }, got ${JSON.stringify(options.features)}`);
  const { teacher: _t, temperature: _T, alpha: _a, features: _f, ...training } = options;
  try {
    checkTrainStepOptions("distill", training, TRAIN_DEFAULTS);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    const listed = (error.context.details?.problems as string[] | undefined) ?? [error.message];
    // The training check knows only training options: name the distill ones too.
    problems.push(...listed.map((p) => p.replace("training option must be one of [", `distill option must be one of [${DISTILL_KEYS.join(", ")}, `)));
  }
  if (problems.length > 0) {
    throw new OptionError(`distill: ${problems.length} invalid option${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}`, { details: { problems } });
  }
}

async function resolveTeacher(teacher: TeacherInput): Promise<Model> {
  if (teacher instanceof Model) return teacher;
  return resolveModelReference(teacher, "distill teacher");
}

function teacherJson(teacher: TeacherInput): unknown {
  return teacher instanceof Model ? teacher.toJSON() : teacher;
}

function classesOf(graph: Graph): number | null {
  const shape = inferShapesWithReport(graph).graph.outputs[0]?.shape ?? graph.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === "number" ? last : null;
}

/** Shapes and labels that cannot work, all at once, before any training. */
function checkPair(student: Graph, teacher: Graph, data: Dataset): readonly number[] {
  const problems: string[] = [];
  const s = classesOf(student);
  const t = classesOf(teacher);
  const sOut = student.outputs[0]!.name;
  const tOut = teacher.outputs[0]!.name;
  if (s !== null && t !== null && s !== t) problems.push(`teacher output "${tOut}" has ${t} classes but student output "${sOut}" has ${s}; both must score the same classes`);
  const classes = s ?? t;
  if (classes !== null && data.numClasses > classes) {
    problems.push(`dataset "${data.name}" has labels up to ${data.numClasses - 1} but the student scores ${classes} classes (labels must be in [0, ${classes - 1}])`);
  }
  const teacherDims = sampleDimsOf(teacher);
  const count = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);
  if (count(teacherDims) !== count(data.sampleShape)) {
    problems.push(`teacher input "${teacher.inputs[0]!.name}" takes [${teacherDims.join(", ")}] per sample but the data has [${data.sampleShape.join(", ")}]`);
  }
  if (problems.length > 0) {
    const kind = problems.every((p) => p.startsWith("dataset")) ? TrainingError : ShapeError;
    throw new kind(`distill: ${problems.join("; ")}`, { details: { problems, expected: s, got: t } });
  }
  return teacherDims;
}

function toTf(t: { data: Float32Array; dims: readonly number[] }): tf.Tensor {
  return tf.tensor(t.data, [...t.dims], "float32");
}

/** Mean feature MSE per pair on the training graph (adapters included), through onnxruntime. */
async function featureMses(graph: Graph, targets: readonly FeatureTarget[], teacher: TeacherSource, data: Dataset): Promise<number[]> {
  if (targets.length === 0) return [];
  const session = await createOrtSession(graph);
  const sums = targets.map(() => 0);
  let count = 0;
  for (const batch of data.take(FEATURE_MSE_SAMPLES).batches(FEATURE_MSE_SAMPLES, { epoch: 0 })) {
    const student = await session.run({ [graph.inputs[0]!.name]: batch.x }, { outputs: targets.map((t) => t.output) });
    const reference = await teacher.valuesFor(batch.x, batch.indices);
    targets.forEach((target, i) => {
      const a = student[target.output]!.data as Float32Array;
      const b = reference.get(target.teacher)!.data;
      let sum = 0;
      for (let k = 0; k < a.length; k++) sum += (a[k]! - b[k]!) ** 2;
      sums[i]! += (sum / a.length) * batch.y.length;
    });
    count += batch.y.length;
  }
  return sums.map((s) => s / count);
}

export function distill(options: DistillOptions): Step {
  checkOptions(options);
  const temperature = options.temperature ?? DISTILL_DEFAULTS.temperature;
  const alpha = options.alpha ?? DISTILL_DEFAULTS.alpha;
  const features = options.features ?? [];
  return {
    step: "distill",
    toJSON(): RecipeStep {
      const { teacher, temperature: _T, alpha: _a, features: _f, ...training } = options;
      const { step, ...trainingJson } = trainStepJson("distill", training);
      return { step, teacher: teacherJson(teacher), temperature, alpha, ...(features.length ? { features } : {}), ...trainingJson };
    },
    async run(student: Model): Promise<StepResult> {
      const teacher = await resolveTeacher(options.teacher);
      const data = await datasetFor(options.data, student.graph);
      const teacherDims = checkPair(student.graph, teacher.graph, data);
      const seed = options.seed ?? TRAIN_DEFAULTS.seed;
      const { graph: trainingGraph, targets } = withFeatureOutputs(student.graph, teacher.graph, features, seed);
      const teacherLogits = teacher.graph.outputs[0]!.name;
      const studentLogits = student.graph.outputs[0]!.name;
      const names = [...new Set([teacherLogits, ...targets.map((t) => t.teacher)])];
      const shift = options.augment?.shift ?? 0;
      // Augmented inputs differ every epoch, so the teacher must see each batch; otherwise once per sample.
      const source = shift > 0 ? await perBatchTeacher(teacher.graph, names, teacherDims) : await cachedTeacher(teacher.graph, names, teacherDims, data);
      const probe = await source.valuesFor(...firstSample(data));
      const width = probe.get(teacherLogits)!.dims.slice(1);
      const studentClasses = classesOf(student.graph);
      if (studentClasses !== null && width[width.length - 1] !== studentClasses) {
        throw new ShapeError(`distill: teacher output "${teacherLogits}" is [N, ${width.join(", ")}] but student output "${studentLogits}" has ${studentClasses} classes`);
      }
      const before = await featureMses(trainingGraph, targets, source, data);

      const loss: LossFunction = (outputs, batch) => {
        const b = batch as DistillBatch;
        let total = distillationLoss(outputs[studentLogits]!, toTf(b.teacher.get(teacherLogits)!), tf.tensor1d(b.y, "int32"), { temperature, alpha });
        for (const target of targets) {
          if (target.weight === 0) continue;
          total = tf.add(total, tf.mul(featureMse(outputs[target.output]!, toTf(b.teacher.get(target.teacher)!)), target.weight));
        }
        return total;
      };
      const { teacher: _t, temperature: _T, alpha: _a, features: _f, data: _d, validation: validationRef, augment: _aug, ...training } = options;
      const validation = validationRef === undefined ? undefined : await datasetFor(validationRef, student.graph);
      const trainOptions: TrainOptions = {
        ...training,
        data: distillData(data, source, shift > 0 ? { shift, random: seededRandom(seed ^ 0x5eed) } : undefined),
        ...(validation ? { validation: trainDataOf(validation) } : {}),
        loss,
        pruning: student.pruning,
      };
      const result = await trainGraph(trainingGraph, trainOptions);
      const after = await featureMses(result.graph, targets, source, data);
      const metrics: Record<string, Metrics[string]> = { ...result.metrics, temperature, alpha, teacherCache: shift > 0 ? "per batch" : "per sample" };
      targets.forEach((t, i) => {
        metrics[`featureMse[${i}].before`] = before[i]!;
        metrics[`featureMse[${i}].after`] = after[i]!;
      });
      return withPruningReport(student, { ...result, graph: withoutFeatureOutputs(result.graph, student.graph) }, metrics);
    },
  };
}

function firstSample(data: Dataset): [x: import("../../graph/types.js").Tensor<"float32">, indices: Int32Array] {
  const [batch] = data.take(1).batches(1, { epoch: 0 });
  if (batch === undefined) throw new TrainingError(`distill: dataset "${data.name}" is empty`);
  return [batch.x, batch.indices];
}

registerStep({
  name: "distill",
  summary: "train the model on a teacher's soft targets (Hinton et al.), optionally with feature hints",
  options: Object.freeze({
    teacher: { type: "model", required: true, doc: "a Model, a model path or spec, or { from, steps }" },
    temperature: { type: "number", above: 0, default: DISTILL_DEFAULTS.temperature, doc: "softmax temperature of the soft targets" },
    alpha: { type: "number", min: 0, max: 1, default: DISTILL_DEFAULTS.alpha, doc: "weight of the soft-target term (1 − alpha goes to the labels)" },
    features: { type: "array", doc: "hint pairs [{ student, teacher, weight? }]: MSE between intermediate values" },
    ...TRAIN_STEP_OPTIONS,
  }),
  observers: ["onEpoch", "display"],
  fromJSON: (options) => distill(options as unknown as DistillOptions),
});
