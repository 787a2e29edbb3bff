// Pruning masks inside the training loop. The model's keep masks (ONNX layout,
// src/model/sparsity.ts) become 0/1 tensors in each variable's own layout;
// after every optimizer update the masked variables are multiplied by them, so
// pruned weights stay exactly zero whatever the optimizer's momentum or weight
// decay did. A gradual schedule (prune.gradual) recomputes the masks from the
// weights at its planned steps and leaves them fixed in between (Zhu & Gupta).
// Magnitude ranking does not depend on element order, so the schedule ranks
// the variables in their own layout; masks go back to ONNX layout at the end.
import { tf } from "../runtime/tfjs/tf.js";
import { TrainingError } from "../core/errors.js";
import type { ScheduledUpdate, TrainPruning, TrainingPruning, WeightMasks } from "../model/sparsity.js";
import type { TrainableModel } from "./compiled.js";

export interface MaskedTraining {
  /** Multiplies every masked variable by its mask (before the first step and after each update). */
  apply(): void;
  /** After optimizer step `step`: recomputes the masks when the schedule plans an update there, then applies them. */
  afterStep(step: number): void;
  /** The updates the schedule made so far (step, sparsity). */
  readonly updates: readonly ScheduledUpdate[];
  /** The masks now, in ONNX layout. */
  exportMasks(): WeightMasks;
  dispose(): void;
}

/** Mask handling for one run, or undefined when there are no masks and no schedule. */
export function maskedTraining(model: TrainableModel, pruning: TrainPruning | undefined, totalSteps: number): MaskedTraining | undefined {
  if (!pruning || (pruning.masks.size === 0 && !pruning.schedule)) return undefined;
  const toVariable = model.toVariableLayout?.bind(model);
  const fromVariable = model.fromVariableLayout?.bind(model);
  if (!toVariable || !fromVariable) throw new Error("this compiled model cannot convert masks to its weight layout (toVariableLayout/fromVariableLayout)");

  const schedule = pruning.schedule;
  const planned = schedule ? new Map(schedule.plan(totalSteps).map((u) => [u.step, u])) : new Map<number, ScheduledUpdate>();
  const names = new Set([...pruning.masks.keys(), ...(schedule?.targets ?? [])]);
  const missing = [...names].filter((n) => !model.variables.has(n));
  if (missing.length > 0) {
    throw new TrainingError(`pruning masks name weights the model does not have: ${missing.map((n) => `"${n}"`).join(", ")}`, { details: { missing } });
  }

  // Masks in variable layout, as 0/1 float tensors and as bytes for the schedule's ranking.
  const masks = new Map<string, tf.Tensor>();
  const bytes = new Map<string, Uint8Array>();
  const setMask = (name: string, keep: Uint8Array, layout: "onnx" | "variable") => {
    masks.get(name)?.dispose();
    const variable = model.variables.get(name)!;
    const mask = tf.tidy(() => {
      const onnxShape = layout === "onnx" ? onnxDims(name, variable, fromVariable) : variable.shape;
      const t = tf.tensor(Float32Array.from(keep), onnxShape, "float32");
      return layout === "onnx" ? toVariable(name, t) : t;
    });
    masks.set(name, tf.keep(mask));
    bytes.set(name, layout === "onnx" ? Uint8Array.from(mask.dataSync(), (v) => (v > 0.5 ? 1 : 0)) : keep);
  };
  for (const [name, keep] of pruning.masks) setMask(name, keep, "onnx");

  const updates: ScheduledUpdate[] = [];
  const apply = () => {
    tf.tidy(() => {
      for (const [name, mask] of masks) {
        const v = model.variables.get(name)!;
        // + 0 turns the −0 of a negative weight times 0 into +0: pruned weights are plain zeros in the file.
        v.assign(tf.add(tf.mul(v, mask), 0));
      }
    });
  };
  const update = (target: ScheduledUpdate, scheduleNow: TrainingPruning) => {
    const weights = new Map<string, Float32Array>();
    for (const name of scheduleNow.targets) weights.set(name, model.variables.get(name)!.dataSync() as Float32Array);
    const next = scheduleNow.masks(weights, target.sparsity, bytes);
    for (const [name, keep] of next) setMask(name, keep, "variable");
    updates.push(target);
  };

  return {
    updates,
    apply,
    afterStep(step) {
      const target = planned.get(step);
      if (target && schedule) update(target, schedule);
      apply();
    },
    exportMasks() {
      const out = new Map<string, Uint8Array>();
      for (const [name, mask] of masks) {
        const onnx = tf.tidy(() => fromVariable(name, mask).dataSync());
        out.set(name, Uint8Array.from(onnx, (v) => (v > 0.5 ? 1 : 0)));
      }
      return out;
    },
    dispose() {
      for (const m of masks.values()) m.dispose();
      masks.clear();
    },
  };
}

/** The ONNX dims of a variable (its layout may differ): read back through the inverse layout once. */
function onnxDims(name: string, variable: tf.Variable, fromVariable: (name: string, t: tf.Tensor) => tf.Tensor): number[] {
  return tf.tidy(() => fromVariable(name, tf.zerosLike(variable)).shape);
}
