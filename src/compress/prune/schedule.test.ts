// Zhu & Gupta's cubic schedule: the formula's values, the update steps a run
// gets, and the error when a run is too short for the schedule.
import { describe, expect, it } from "vitest";
import { TrainingError } from "../../core/errors.js";
import { cubicSparsity, describeSchedule, planUpdates } from "./schedule.js";

describe("cubic schedule", () => {
  it("follows s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³", () => {
    const s = { from: 0, to: 0.9, begin: 100, end: 500 };
    expect(cubicSparsity(s, 0)).toBe(0);
    expect(cubicSparsity(s, 100)).toBe(0);
    expect(cubicSparsity(s, 300)).toBeCloseTo(0.9 + (0 - 0.9) * 0.5 ** 3, 12);
    expect(cubicSparsity(s, 500)).toBeCloseTo(0.9, 12);
    expect(cubicSparsity(s, 900)).toBeCloseTo(0.9, 12);
    expect(cubicSparsity({ from: 0.5, to: 0.5, begin: 0, end: 10 }, 5)).toBe(0.5);
  });

  it("plans updates every Δt from t0 and one at the end", () => {
    const updates = planUpdates({ from: 0.1, to: 0.8, begin: 10, end: 50, every: 15 }, 100);
    expect(updates.map((u) => u.step)).toEqual([10, 25, 40, 50]);
    expect(updates[0]!.sparsity).toBeCloseTo(0.1, 12);
    expect(updates[3]!.sparsity).toBe(0.8);
    const rising = updates.map((u) => u.sparsity);
    expect([...rising].sort((a, b) => a - b)).toEqual(rising);
  });

  it("ends at the run's last step with ten updates by default", () => {
    const updates = planUpdates({ from: 0, to: 0.95, begin: 0 }, 201);
    expect(updates[updates.length - 1]).toEqual({ step: 200, sparsity: 0.95 });
    expect(updates.map((u) => u.step)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  });

  it("refuses a run shorter than the schedule, saying what to change", () => {
    expect(() => planUpdates({ from: 0, to: 0.9, begin: 0, end: 1000 }, 189)).toThrow(TrainingError);
    expect(() => planUpdates({ from: 0, to: 0.9, begin: 0, end: 1000 }, 189)).toThrow(/ends at step 1000 but this training run has 189 steps \(0–188\); pass end ≤ 188/);
  });

  it("describes itself in one line", () => {
    expect(describeSchedule({ from: 0, to: 0.95, begin: 0, end: 600, every: 60 })).toBe("0% → 95% over steps 0–600, every 60");
  });
});
