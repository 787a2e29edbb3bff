// Pruning state a Model keeps beside its graph (ONNX has no place for it):
// per-initializer keep masks, which train/finetune/distill re-apply after every
// optimizer update so pruned weights stay exactly zero, and a gradual pruning
// schedule (prune.gradual) that waits for the next training step to run it.
// The graph itself holds the zeros, so a saved file is sparse too; a file
// loaded back has zeros but no masks.
import type { Graph } from "../graph/types.js";
import type { MimeBundle } from "../display/mime.js";
import type { Metrics } from "./step.js";

/** Keep masks by initializer name: 1 = kept, 0 = pruned, one byte per element in ONNX (row-major) order. */
export type WeightMasks = ReadonlyMap<string, Uint8Array>;

export const NO_MASKS: WeightMasks = new Map();

/** One mask update of a schedule: at optimizer step `step` (0-based) the targets go to `sparsity`. */
export interface ScheduledUpdate {
  readonly step: number;
  readonly sparsity: number;
}

/**
 * A pruning schedule run inside a training loop (prune.gradual). The loop asks
 * for the plan once, recomputes masks at each planned step from the weights
 * as they are then, and keeps the masks fixed between updates.
 */
export interface TrainingPruning {
  /** One line for reports, e.g. "0% → 95% over steps 0–600, every 60". */
  readonly description: string;
  /** The initializers it prunes. */
  readonly targets: readonly string[];
  /** The updates for a run of `totalSteps` optimizer steps; throws a CompactorError when the run cannot hold them. */
  plan(totalSteps: number): readonly ScheduledUpdate[];
  /**
   * Keep masks for `weights` at `sparsity`. Weights and masks share one element
   * order (any fixed order: the loop passes its own layout); entries pruned in
   * `previous` stay pruned.
   */
  masks(weights: ReadonlyMap<string, Float32Array>, sparsity: number, previous: WeightMasks): Map<string, Uint8Array>;
  /** The report shown after the training step that ran it. */
  report?(before: Graph, after: Graph, masks: WeightMasks): Promise<{ readonly metrics: Metrics; readonly figures: readonly MimeBundle[] }>;
}

/** What a training step is handed: the model's masks and, when one is waiting, the schedule to run. */
export interface TrainPruning {
  readonly masks: WeightMasks;
  readonly schedule?: TrainingPruning;
}

/** Fraction of masked elements that are pruned (0 when there are no masks). */
export function maskedSparsity(masks: WeightMasks): number {
  let total = 0;
  let pruned = 0;
  for (const mask of masks.values()) {
    total += mask.length;
    for (let i = 0; i < mask.length; i++) pruned += mask[i] === 0 ? 1 : 0;
  }
  return total === 0 ? 0 : pruned / total;
}

/**
 * The masks that still fit `graph`: those whose initializer exists with as many
 * float elements as the mask. `dropped` names the others (a step changed or
 * removed those weights), so apply() can say that they are no longer masked.
 */
export function masksFitting(masks: WeightMasks, graph: Graph): { kept: WeightMasks; dropped: string[] } {
  const kept = new Map<string, Uint8Array>();
  const dropped: string[] = [];
  for (const [name, mask] of masks) {
    const t = graph.initializers.get(name);
    const fits = t !== undefined && (t.dtype === "float32" || t.dtype === "float64" || t.dtype === "float16") && t.data.length === mask.length;
    if (fits) kept.set(name, mask);
    else dropped.push(name);
  }
  return { kept, dropped };
}
