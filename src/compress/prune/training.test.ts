// Pruning with training: masks survive apply() into finetune, train and
// distill, which keep pruned weights at exactly zero while the others move;
// prune.gradual waits on the model and runs its schedule in the next training
// step, reaching its final sparsity exactly and reporting it there.
import { describe, expect, it } from "vitest";
import { datasets } from "../../data/index.js";
import { models } from "../../models/index.js";
import { finetune, train } from "../../train/steps.js";
import { distill } from "../distill/step.js";
import { OptionError, TrainingError } from "../../core/errors.js";
import { PLOTLY_MIME } from "../../display/plotly.js";
import { editGraph } from "../../graph/edit.js";
import { float32 } from "../../graph/tensor.js";
import { magnitude } from "./magnitude.js";
import { gradual } from "./gradual.js";
import "../../model/registered-steps.js";

const zerosOf = (data: ArrayLike<number>) => Array.from(data).filter((v) => v === 0).length;
const quiet = { display: false } as const;

describe("masks through training", () => {
  it("finetune (Adam) keeps magnitude-pruned Gemm and Conv weights at exactly zero", async () => {
    const mnist = await datasets.mnist();
    const pruned = await models.lenet5({ seed: 1 }).apply(magnitude({ sparsity: 0.6, latency: false }));
    const tuned = await pruned.apply(finetune({ data: mnist.train.take(256), epochs: 1, batchSize: 64, lr: 1e-2, ...quiet }));
    for (const name of ["conv1.weight", "conv2.weight", "fc1.weight", "fc3.weight"]) {
      const before = pruned.graph.initializers.get(name)!.data as Float32Array;
      const after = tuned.graph.initializers.get(name)!.data as Float32Array;
      const mask = pruned.masks.get(name)!;
      let moved = 0;
      for (let i = 0; i < after.length; i++) {
        if (mask[i] === 0) expect(after[i]).toBe(0);
        else if (after[i] !== before[i]) moved++;
      }
      expect(moved).toBeGreaterThan(0);
    }
    expect(tuned.masks).toEqual(pruned.masks);
    expect(tuned.history[1]!.metrics["pruned (masked weights)"] as number).toBeCloseTo(0.6, 2);
  });

  it("distill keeps the student's masked weights at zero", async () => {
    const mnist = await datasets.mnist();
    const teacher = models.mlp([784, 32, 10], { seed: 5 });
    const student = await models.mlp([784, 16, 10], { seed: 6 }).apply(magnitude({ sparsity: 0.75, scope: "global", latency: false }));
    const distilled = await student.apply(distill({ teacher, data: mnist.train.take(128), epochs: 1, batchSize: 32, lr: 1e-2, ...quiet }));
    for (const [name, mask] of student.masks) {
      const after = distilled.graph.initializers.get(name)!.data as Float32Array;
      mask.forEach((keep, i) => keep === 0 && expect(after[i]).toBe(0));
    }
    expect(zerosOf(distilled.graph.initializers.get("fc1.weight")!.data as Float32Array)).toBeGreaterThanOrEqual(zerosOf(student.masks.get("fc1.weight")!.filter((m) => m === 0)));
  });

  it("drops masks a later step made stale, and says so", async () => {
    const pruned = await models.mlp([784, 16, 10]).apply(magnitude({ sparsity: 0.5, latency: false }));
    // A step that swaps fc2's weight for one of another size: its mask no longer fits.
    const swap = {
      step: "swap",
      toJSON: () => ({ step: "swap" }),
      run: async (m: typeof pruned) => ({ graph: editGraph(m.graph, (e) => e.setInitializer("fc2.weight", float32([10, 8], new Float32Array(80)))), metrics: {} }),
    };
    const next = await pruned.apply(swap);
    expect([...next.masks.keys()]).toEqual(["fc1.weight"]);
    expect(next.history[1]!.metrics["masks dropped (weights changed)"]).toBe("fc2.weight");
  });
});

describe("prune.gradual", () => {
  it("waits on the model, then the next finetune runs the cubic schedule to its final sparsity", async () => {
    const mnist = await datasets.mnist();
    const data = mnist.train.take(640); // 10 steps of 64 per epoch
    const waiting = await models.mlp([784, 32, 10], { seed: 2 }).apply(gradual({ to: 0.9, begin: 2, end: 14, every: 4, latency: false }));
    expect(waiting.pendingPruning?.description).toBe("0% → 90% over steps 2–14, every 4, layer scope, 2 weights");
    expect(waiting.masks.size).toBe(0);
    expect(zerosOf(waiting.graph.initializers.get("fc1.weight")!.data as Float32Array)).toBe(0);
    const tuned = await waiting.apply(finetune({ data, epochs: 2, batchSize: 64, lr: 1e-3, ...quiet }));
    expect(tuned.pendingPruning).toBeUndefined();
    for (const name of ["fc1.weight", "fc2.weight"]) {
      const w = tuned.graph.initializers.get(name)!.data as Float32Array;
      expect(zerosOf(w)).toBe(Math.round(0.9 * w.length));
      expect(zerosOf(tuned.masks.get(name)!.filter((m) => m === 0))).toBe(Math.round(0.9 * w.length));
    }
    const report = tuned.history[1]!;
    expect(report.metrics["prune.gradual"]).toBe("0% → 90% over steps 2–14, every 4, layer scope, 2 weights: 4 mask updates, last at step 14 (90.0%)");
    expect(report.metrics.sparsity as number).toBeCloseTo(0.9, 3);
  });

  it("shows the per-layer report with the training step", async () => {
    const mnist = await datasets.mnist();
    const step = finetune({ data: mnist.train.take(128), epochs: 1, batchSize: 32, ...quiet });
    const waiting = await models.mlp([784, 16, 10]).apply(gradual({ from: 0.2, to: 0.5, latency: false }));
    const result = await step.run(waiting);
    expect(result.pruning).toBeNull();
    expect(result.figures!.map((f) => Object.keys(f).includes(PLOTLY_MIME))).toEqual([false, true, true]);
    expect(result.figures![0]!["text/plain"]).toMatch(/fc1[\s\S]*50\.0%/);
  });

  it("refuses a training run shorter than its schedule before any step", async () => {
    const mnist = await datasets.mnist();
    const waiting = await models.mlp([784, 16, 10]).apply(gradual({ to: 0.9, end: 500, latency: false }));
    const run = waiting.apply(train({ data: mnist.train.take(128), epochs: 1, batchSize: 64, ...quiet }));
    await expect(run).rejects.toThrow(TrainingError);
    await expect(waiting.apply(train({ data: mnist.train.take(128), epochs: 1, batchSize: 64, ...quiet }))).rejects.toThrow(/ends at step 500 but this training run has 2 steps/);
  });

  it("checks its options when made", () => {
    expect(() => gradual({ from: 0.5, to: 0.2 })).toThrow(/from \(0.5\) must not exceed to \(0.2\)/);
    expect(() => gradual({ to: 0.9, begin: 10, end: 5 })).toThrow(/end \(5\) must be at or after begin \(10\)/);
    expect(() => gradual({ to: 1, every: 0 })).toThrow(OptionError);
    expect(() => gradual({ to: 1, every: 0 })).toThrow(/to must be in \[0, 1\), got 1[\s\S]*every must be in \[1, ∞\), got 0/);
    expect(() => finetune({ data: "mnist:train", pruning: {} } as never)).toThrow(/"pruning" is not a step option/);
  });
});
