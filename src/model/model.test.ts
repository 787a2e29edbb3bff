// Model: apply runs steps in order, records them and stops after an
// interrupted step; every step's graph is validated; run() goes through the
// one runtime switch and both runtimes agree.
import { describe, expect, it } from "vitest";
import { GraphError, OptionError } from "../core/errors.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import type { Graph } from "../graph/types.js";
import { Model } from "./model.js";
import type { TrainingPruning } from "./sparsity.js";
import type { JUPYTER_DISPLAY } from "../display/mime.js";
import type { Metrics, Step } from "./step.js";

/** y = x · w: a 2→2 linear map whose outputs are easy to check by hand. */
function linear(w: readonly number[] = [1, 2, 3, 4]): Graph {
  const b = new GraphBuilder({ name: "linear", opset: 17 });
  const x = b.input("x", "float32", ["N", 2]);
  b.output(b.node("MatMul", [x, b.initializer("w", float32([2, 2], w))])[0]!, "y");
  return b.build();
}

/** A step that replaces the weights, reporting `metrics`. */
function setWeights(name: string, w: readonly number[], metrics: Metrics = {}): Step & { ran: number } {
  const step = {
    step: name,
    ran: 0,
    toJSON: () => ({ step: name, w: [...w] }),
    async run() {
      step.ran++;
      return { graph: linear(w), metrics };
    },
  };
  return step;
}

describe("Model", () => {
  it("applies steps in order and records each as history and recipe", async () => {
    const start = new Model(linear(), { source: "linear.onnx" });
    const a = setWeights("a", [0, 1, 1, 0], { loss: 0.5 });
    const b = setWeights("b", [2, 0, 0, 2]);
    const done = await start.apply(a, b);
    expect(done.history.map((h) => h.step)).toEqual(["a", "b"]);
    expect(done.history[0]!.metrics).toEqual({ loss: 0.5 });
    expect(done.recipe).toEqual([{ step: "a", w: [0, 1, 1, 0] }, { step: "b", w: [2, 0, 0, 2] }]);
    expect(done.source).toBe("linear.onnx");
    expect(done.toJSON()).toEqual({ from: "linear.onnx", steps: done.recipe });
    // Immutable: the starting model is unchanged.
    expect(start.history).toEqual([]);
    expect(start.toJSON()).toBe("linear.onnx");
  });

  it("stops after an interrupted step and keeps its last good model", async () => {
    const interrupted = setWeights("train", [5, 0, 0, 5], { interrupted: true });
    const later = setWeights("later", [9, 9, 9, 9]);
    const done = await new Model(linear()).apply(interrupted, later);
    expect(later.ran).toBe(0);
    expect(done.history.map((h) => h.step)).toEqual(["train"]);
    expect(Array.from(done.graph.initializers.get("w")!.data as Float32Array)).toEqual([5, 0, 0, 5]);
  });

  it("refuses what is not a step and a step whose graph is broken, naming them", async () => {
    const model = new Model(linear());
    await expect(model.apply(setWeights("a", [1, 1, 1, 1]), 42 as unknown as Step)).rejects.toThrow(/argument 2 is number/);
    const broken: Step = {
      step: "broken",
      toJSON: () => ({ step: "broken" }),
      run: async () => ({ graph: { ...linear(), outputs: [{ name: "nowhere", dtype: "float32" }] }, metrics: {} }),
    };
    await expect(model.apply(broken)).rejects.toThrow(GraphError);
    await expect(model.apply(broken)).rejects.toThrow(/graph output "nowhere" is never produced/);
  });

  it("runs on onnxruntime and on tfjs with the same result", async () => {
    const model = new Model(linear());
    const feeds = { x: float32([1, 2], [1, 1]) };
    const ort = await model.run(feeds);
    const tfjs = await model.run(feeds, { runtime: "tfjs" });
    expect(Array.from(ort.y!.data as Float32Array)).toEqual([4, 6]);
    expect(Array.from(tfjs.y!.data as Float32Array)).toEqual([4, 6]);
    expect(Array.from((await model.run(feeds, { backend: "tfjs" })).y!.data as Float32Array)).toEqual([4, 6]);
  });

  it("names a wrong runtime", async () => {
    const model = new Model(linear());
    const feeds = { x: float32([1, 2], [1, 1]) };
    await expect(model.run(feeds, { runtime: "tpu" as never })).rejects.toThrow(OptionError);
    await expect(model.run(feeds, { runtime: "tpu" as never })).rejects.toThrow(/runtime must be one of \[tfjs, ort\], got "tpu"/);
    await expect(model.run(feeds, { runtime: "ort", backend: "tfjs" })).rejects.toThrow(/disagree/);
  });

  it("shows its summary and names itself", () => {
    const model = new Model(linear(), { source: "mlp:2-2" });
    expect(model.name).toBe("linear");
    expect(model.summary().params).toBe(4);
    expect(model.clone().graph).toBe(model.graph);
  });

  it("carries pruning masks and a waiting schedule through steps that leave them alone", async () => {
    const masks = new Map([["w", Uint8Array.from([1, 0, 0, 1])]]);
    const schedule: TrainingPruning = { description: "test schedule", targets: ["w"], plan: () => [], masks: () => new Map() };
    const start = new Model(linear([1, 0, 0, 4]), { masks, pendingPruning: schedule });
    const kept = await start.apply(setWeights("same-shape", [5, 0, 0, 6]));
    expect(kept.masks).toEqual(masks);
    expect(kept.pendingPruning).toBe(schedule);
    expect(kept.clone().masks).toEqual(masks);
    expect(kept.pruning).toEqual({ masks, schedule });
    const ran = await kept.apply({ step: "ran", toJSON: () => ({ step: "ran" }), run: async (m) => ({ graph: m.graph, metrics: {}, pruning: null }) });
    expect(ran.pendingPruning).toBeUndefined();
    expect(ran.pruning).toEqual({ masks });
    const shown = kept[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY]()["text/plain"] as string;
    expect(shown).toMatch(/50\.0% of 1 masked weights pruned · waiting for training: prune.gradual test schedule/);
  });
});
