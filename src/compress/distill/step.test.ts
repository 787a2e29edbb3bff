// distill() through Model.apply on a slice of the built-in MNIST: it learns,
// records a replayable recipe, trains feature adapters that really reduce the
// hint MSE and then strips them, and refuses bad setups before training.
import { beforeAll, describe, it, expect } from "vitest";
import { datasets, Dataset } from "../../data/index.js";
import { models } from "../../models/index.js";
import { Model } from "../../model/model.js";
import { makeTensor } from "../../graph/tensor.js";
import { validateGraph } from "../../graph/validate.js";
import { OptionError, ShapeError, TrainingError } from "../../core/errors.js";
import { train } from "../../train/steps.js";
import { distill } from "./step.js";

let mnist: { train: Dataset; test: Dataset };
let teacher: Model;
const quiet = { display: false, batchSize: 32 } as const;

/** The output name of the node called `node` (zoo graphs name their layers). */
const valueOf = (model: Model, node: string) => model.graph.nodes.find((n) => n.name === node)!.outputs[0]!;

beforeAll(async () => {
  mnist = await datasets.mnist();
  teacher = await models.mlp([784, 64, 10], { seed: 1 }).apply(train({ data: mnist.train.take(1024), epochs: 3, seed: 1, ...quiet }));
}, 120_000);

describe("distill step", () => {
  it("trains a student on the teacher's soft targets and records a replayable recipe", async () => {
    const student = models.mlp([784, 32, 10], { seed: 2 });
    const data = mnist.train.take(512);
    const distilled = await student.apply(distill({ teacher, data, epochs: 3, seed: 3, temperature: 4, alpha: 0.9, ...quiet }));
    const report = distilled.history[0]!;
    expect(report.step).toBe("distill");
    expect(report.metrics.teacherCache).toBe("per sample");
    expect(report.metrics.samplesPerSec as number).toBeGreaterThan(0);
    // 48 steps on soft targets of a small teacher: well above chance (10%), short of the teacher.
    const before = await student.evaluate(mnist.test.take(500));
    const after = await distilled.evaluate(mnist.test.take(500));
    expect(before.accuracy).toBeLessThan(0.3);
    expect(after.accuracy).toBeGreaterThan(0.5);
    expect(distilled.recipe).toEqual([
      {
        step: "distill",
        teacher: { from: "mlp:784-64-10,seed=1", steps: [{ step: "train", data: "mnist:train.take(1024)", epochs: 3, seed: 1, batchSize: 32 }] },
        temperature: 4,
        alpha: 0.9,
        data: "mnist:train.take(512)",
        epochs: 3,
        seed: 3,
        batchSize: 32,
      },
    ]);
  }, 120_000);

  it("with augmentation, asks the teacher per batch and is reproducible", async () => {
    const student = models.mlp([784, 16, 10], { seed: 2 });
    const step = () => distill({ teacher, data: mnist.train.take(256), epochs: 1, seed: 4, augment: { shift: 2 }, ...quiet });
    const a = await student.apply(step());
    const b = await student.apply(step());
    expect(a.history[0]!.metrics.teacherCache).toBe("per batch");
    expect(a.graph.initializers.get("fc1.weight")!.data).toEqual(b.graph.initializers.get("fc1.weight")!.data);
  }, 120_000);

  it("feature distillation through a Gemm adapter reduces the hint MSE, then drops the adapter", async () => {
    const student = models.mlp([784, 16, 10], { seed: 5 });
    const features = [{ student: valueOf(student, "relu1"), teacher: valueOf(teacher, "relu1") }];
    const out = await student.apply(distill({ teacher, data: mnist.train.take(512), epochs: 3, seed: 5, features, ...quiet }));
    const m = out.history[0]!.metrics;
    expect(m["featureMse[0].after"] as number).toBeLessThan(0.7 * (m["featureMse[0].before"] as number));
    // The adapter was trained and discarded: the student keeps its own weights and outputs only.
    expect([...out.graph.initializers.keys()].sort()).toEqual([...student.graph.initializers.keys()].sort());
    expect(out.graph.outputs.map((o) => o.name)).toEqual(student.graph.outputs.map((o) => o.name));
    validateGraph(out.graph);
    expect(out.recipe[0]!.features).toEqual(features);
  }, 120_000);
});

describe("distill refuses bad setups before training", () => {
  it("teacher and student scoring different classes", async () => {
    const five = models.mlp([784, 8, 5]);
    const step = distill({ teacher: five, data: mnist.train.take(64), epochs: 1, ...quiet });
    await expect(models.mlp([784, 8, 10]).apply(step)).rejects.toThrow(ShapeError);
    await expect(models.mlp([784, 8, 10]).apply(step)).rejects.toThrow(/teacher output "logits" has 5 classes but student output "logits" has 10/);
  });

  it("unknown feature names, all listed", async () => {
    const step = distill({ teacher, data: mnist.train.take(64), epochs: 1, features: [{ student: "nope", teacher: "neither" }, { student: "fc1", teacher: "x" }], ...quiet });
    const error = (await models.mlp([784, 8, 10]).apply(step).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(OptionError);
    for (const name of ['"nope"', '"neither"', '"fc1"', '"x"']) expect(error.message).toContain(name);
  });

  it("labels outside the student's classes", async () => {
    const x = makeTensor("float32", [4, 784], new Float32Array(4 * 784));
    const data = Dataset.fromArrays(x, Int32Array.from([0, 1, 2, 12]), { numClasses: 13 });
    const step = distill({ teacher, data, epochs: 1, ...quiet });
    await expect(models.mlp([784, 8, 10]).apply(step)).rejects.toThrow(TrainingError);
    await expect(models.mlp([784, 8, 10]).apply(step)).rejects.toThrow(/labels up to 12 .* student scores 10 classes/);
  });

  it("unknown and invalid options at construction, with must be one of", () => {
    const bad = () => distill({ teacher, data: "mnist:train", temprature: 4, alpha: 2 } as never);
    expect(bad).toThrow(/distill option must be one of \[teacher, temperature, alpha, features, .*got "temprature"/);
    expect(bad).toThrow(/alpha must be a number in \[0, 1\], got 2/);
    expect(() => distill({ data: "mnist:train" } as never)).toThrow(/teacher must be a Model/);
  });
});
