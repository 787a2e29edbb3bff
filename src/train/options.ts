// What a training run takes, its defaults, and the check that lists every bad
// option at once. `finetune` is the same loop with gentler defaults.
import { OptionError, mustBeOneOf } from "../core/errors.js";
import type { tf } from "../runtime/tfjs/tf.js";
import type { TrainData, Batch } from "./data.js";
import type { CheckpointOptions } from "./checkpoint.js";
import type { TrainPruning } from "../model/sparsity.js";

export const OPTIMIZERS = ["sgd", "adam", "adamw"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const SCHEDULES = ["step", "cosine"] as const;
export type Schedule =
  | { readonly type: "step"; /** epochs between decays */ readonly stepSize: number; readonly gamma: number }
  | { readonly type: "cosine"; readonly minLr?: number };

/** Freeze an initializer by name, or every initializer consumed by nodes of an op type. */
export type FreezeRule = string | { readonly opType: string };

/** A custom loss (distillation): outputs by graph output name, the batch, the global step. */
export type LossFunction = (outputs: Record<string, tf.Tensor>, batch: Batch, step: number) => tf.Scalar;

export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
  readonly lr: number;
  readonly seconds: number;
  readonly samplesPerSec: number;
}

export interface BatchRecord {
  readonly epoch: number;
  /** Global step, from 0. */
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly lr: number;
}

export interface TrainOptions {
  readonly data: TrainData;
  readonly validation?: TrainData;
  readonly epochs?: number;
  readonly lr?: number;
  readonly optimizer?: OptimizerName;
  /** SGD momentum (default 0.9 for sgd). */
  readonly momentum?: number;
  readonly nesterov?: boolean;
  /** L2 for sgd/adam, decoupled decay for adamw. */
  readonly weightDecay?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** "cpu" | "gpu" | "auto": passed to the backend chooser. */
  readonly device?: string;
  /** A tfjs backend name or "auto". */
  readonly backend?: string;
  readonly schedule?: Schedule;
  readonly warmupSteps?: number;
  readonly freeze?: readonly FreezeRule[];
  readonly augment?: { readonly shift: number };
  readonly loss?: LossFunction;
  /**
   * Threads computing each batch, data-parallel (default "auto": 2 on wasm for
   * big enough steps, else 1). BatchNorm batch statistics are per shard.
   */
  readonly workers?: number | "auto";
  /**
   * Write a checkpoint every `every` steps into `dir` (and when interrupted, and at the end); started
   * again with the same options and dir, the run resumes from it and ends with the same weights.
   */
  readonly checkpoint?: CheckpointOptions;
  readonly onBatch?: (record: BatchRecord) => void;
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Live progress bar and curve (default true). */
  readonly display?: boolean;
  /**
   * Pruning masks to keep (masked weights stay exactly zero) and a gradual
   * schedule to run; the train/finetune/distill steps pass the model's.
   */
  readonly pruning?: TrainPruning;
}

export interface TrainMetrics {
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly samplesPerSec: number;
  readonly seconds: number;
  readonly backend: string;
  readonly epochs: number;
  readonly steps: number;
  readonly interrupted: boolean;
  /** Threads that computed each batch (1: the main thread alone). */
  readonly workers: number;
  /** The global step a checkpoint resumed the run at; null when it started from the beginning. */
  readonly resumedAtStep: number | null;
}

export type ResolvedOptions = Required<
  Pick<TrainOptions, "epochs" | "lr" | "optimizer" | "momentum" | "nesterov" | "weightDecay" | "betas" | "eps" | "batchSize" | "seed" | "warmupSteps" | "display">
> &
  TrainOptions;

export interface TrainDefaults {
  readonly epochs: number;
  readonly lr: number;
  readonly optimizer: OptimizerName;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly warmupSteps: number;
  readonly display: boolean;
}

export const TRAIN_DEFAULTS: TrainDefaults = Object.freeze({
  epochs: 10,
  lr: 1e-3,
  optimizer: "adam",
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  betas: [0.9, 0.999] as const,
  eps: 1e-8,
  batchSize: 128,
  seed: 0,
  warmupSteps: 0,
  display: true,
});

/** Fine-tuning starts from trained weights: a tenth of the step size, a few epochs. */
export const FINETUNE_DEFAULTS: TrainDefaults = Object.freeze({ ...TRAIN_DEFAULTS, epochs: 3, lr: 1e-4 });

/** More threads than this is a typo: each holds a full copy of the model. */
export const MAX_WORKERS = 64;

const KNOWN_KEYS = [
  "data", "validation", "epochs", "lr", "optimizer", "momentum", "nesterov", "weightDecay", "betas", "eps",
  "batchSize", "seed", "device", "backend", "schedule", "warmupSteps", "freeze", "augment", "loss",
  "workers", "checkpoint", "onBatch", "onEpoch", "display", "pruning",
] as const;

/** Applies defaults and reports every invalid option in one OptionError. */
export function resolveOptions(options: TrainOptions, defaults: TrainDefaults = TRAIN_DEFAULTS): ResolvedOptions {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) problems.push(mustBeOneOf("training option", key, KNOWN_KEYS).message);
  }
  const r = { ...defaults, ...stripUndefined(options) } as ResolvedOptions;
  const positiveInt = (name: keyof ResolvedOptions, v: unknown) => {
    if (!Number.isInteger(v) || (v as number) < 1) problems.push(`${String(name)} must be a positive integer, got ${JSON.stringify(v)}`);
  };
  const nonNegative = (name: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) problems.push(`${name} must be a finite number ≥ 0, got ${JSON.stringify(v)}`);
  };
  if (options.data === undefined) problems.push("data is required: a Dataset such as (await datasets.mnist()).train");
  positiveInt("epochs", r.epochs);
  positiveInt("batchSize", r.batchSize);
  if (typeof r.lr !== "number" || !(r.lr > 0) || !Number.isFinite(r.lr)) problems.push(`lr must be a number > 0, got ${JSON.stringify(r.lr)}`);
  if (!(OPTIMIZERS as readonly string[]).includes(r.optimizer)) problems.push(mustBeOneOf("optimizer", r.optimizer, OPTIMIZERS).message);
  nonNegative("momentum", r.momentum);
  nonNegative("weightDecay", r.weightDecay);
  nonNegative("warmupSteps", r.warmupSteps);
  if (!Number.isInteger(r.seed)) problems.push(`seed must be an integer, got ${JSON.stringify(r.seed)}`);
  if (!Array.isArray(r.betas) || r.betas.length !== 2 || r.betas.some((b) => !(b >= 0 && b < 1))) {
    problems.push(`betas must be two numbers in [0, 1), got ${JSON.stringify(r.betas)}`);
  }
  if (r.nesterov && r.optimizer === "sgd" && !(r.momentum > 0)) problems.push("nesterov needs momentum > 0");
  if (r.schedule !== undefined) {
    const s = r.schedule as { type?: unknown; stepSize?: unknown; gamma?: unknown; minLr?: unknown };
    if (!(SCHEDULES as readonly string[]).includes(s.type as string)) problems.push(mustBeOneOf("schedule.type", s.type, SCHEDULES).message);
    if (s.type === "step") {
      if (!Number.isInteger(s.stepSize) || (s.stepSize as number) < 1) problems.push(`schedule.stepSize (epochs) must be a positive integer, got ${JSON.stringify(s.stepSize)}`);
      if (typeof s.gamma !== "number" || !(s.gamma > 0)) problems.push(`schedule.gamma must be a number > 0, got ${JSON.stringify(s.gamma)}`);
    }
    if (s.type === "cosine" && s.minLr !== undefined) nonNegative("schedule.minLr", s.minLr);
  }
  if (r.augment !== undefined && (!Number.isInteger(r.augment.shift) || r.augment.shift < 0 || r.augment.shift > 27)) {
    problems.push(`augment.shift must be a whole number of pixels in [0, 27], got ${JSON.stringify(r.augment.shift)}`);
  }
  for (const rule of r.freeze ?? []) {
    if (typeof rule !== "string" && typeof (rule as { opType?: unknown })?.opType !== "string") {
      problems.push(`freeze entries must be initializer names or { opType: "Conv" }, got ${JSON.stringify(rule)}`);
    }
  }
  if (r.workers !== undefined && r.workers !== "auto" && !(Number.isInteger(r.workers) && r.workers >= 1 && r.workers <= MAX_WORKERS)) {
    problems.push(`workers must be "auto" or a whole number in [1, ${MAX_WORKERS}], got ${JSON.stringify(r.workers)}`);
  } else if (typeof r.workers === "number" && r.workers > 1 && typeof r.loss === "function") {
    problems.push(`workers: ${r.workers} cannot be used with a custom loss function: a function cannot be sent to a worker thread; use workers: 1 (or "auto", which picks 1 for custom losses)`);
  }
  if (r.checkpoint !== undefined) problems.push(...checkpointProblems(r.checkpoint));
  if (problems.length > 0) {
    throw new OptionError(`train: ${problems.length} invalid option${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}`, {
      details: { problems },
    });
  }
  return r;
}

function checkpointProblems(c: unknown): string[] {
  if (c === null || typeof c !== "object" || Array.isArray(c)) return [`checkpoint must be { every: steps, dir: "folder" }, got ${JSON.stringify(c)}`];
  const problems: string[] = [];
  const { every, dir, ...rest } = c as { every?: unknown; dir?: unknown };
  for (const key of Object.keys(rest)) problems.push(mustBeOneOf("checkpoint option", key, ["every", "dir"]).message);
  if (!Number.isInteger(every) || (every as number) < 1) problems.push(`checkpoint.every must be a positive whole number of steps, got ${JSON.stringify(every)}`);
  if (typeof dir !== "string" || dir === "") problems.push(`checkpoint.dir must be a folder path, got ${JSON.stringify(dir)}`);
  return problems;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
