// Zhu & Gupta's gradual pruning schedule ("To prune, or not to prune", 2017):
// sparsity rises from s_i to s_f over n updates Δt steps apart, starting at t0,
//   s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³,   t ∈ {t0, t0 + Δt, …, t0 + nΔt},
// fast at first while the network has redundant weights, slowly near the end.
// Steps count optimizer updates of the training run that executes it, from 0.
import { TrainingError } from "../../core/errors.js";
import type { ScheduledUpdate } from "../../model/sparsity.js";

export interface CubicSchedule {
  /** s_i: sparsity of the first update (default 0). */
  readonly from: number;
  /** s_f: sparsity reached at `end`. */
  readonly to: number;
  /** t0: step of the first update (default 0). */
  readonly begin: number;
  /** t0 + nΔt: step of the last update; default the run's last step. */
  readonly end?: number;
  /** Δt: steps between updates; default a tenth of end − begin (at least 1). */
  readonly every?: number;
}

/** Sparsity at step t (clamped to [begin, end]). */
export function cubicSparsity(schedule: CubicSchedule & { readonly end: number }, t: number): number {
  const span = schedule.end - schedule.begin;
  if (span <= 0) return t >= schedule.begin ? schedule.to : schedule.from;
  const progress = Math.min(1, Math.max(0, (t - schedule.begin) / span));
  return schedule.to + (schedule.from - schedule.to) * (1 - progress) ** 3;
}

/** The update steps and their sparsities for a run of `totalSteps` steps (a TrainingError when it is too short). */
export function planUpdates(schedule: CubicSchedule, totalSteps: number): ScheduledUpdate[] {
  const last = totalSteps - 1;
  const end = schedule.end ?? last;
  if (end > last || schedule.begin > last) {
    throw new TrainingError(
      `prune.gradual: the schedule ends at step ${end} but this training run has ${totalSteps} steps (0–${last}); ` +
        `pass end ≤ ${last} (or leave it out to end at the last step), or train for more epochs`,
      { details: { end, begin: schedule.begin, totalSteps } },
    );
  }
  const every = schedule.every ?? Math.max(1, Math.round((end - schedule.begin) / 10));
  const resolved = { ...schedule, end };
  const updates: ScheduledUpdate[] = [];
  for (let t = schedule.begin; t < end; t += every) updates.push({ step: t, sparsity: cubicSparsity(resolved, t) });
  updates.push({ step: end, sparsity: schedule.to });
  return updates;
}

/** "0% → 95% over steps 0–600, every 60" (end and every as given, or "the run's last step"). */
export function describeSchedule(schedule: CubicSchedule): string {
  const pct = (s: number) => `${+(s * 100).toFixed(2)}%`;
  const end = schedule.end ?? "the last";
  const every = schedule.every !== undefined ? `every ${schedule.every}` : "10 updates";
  return `${pct(schedule.from)} → ${pct(schedule.to)} over steps ${schedule.begin}–${end}, ${every}`;
}
