// train and finetune as steps through Model.apply on a slice of MNIST: they
// learn, report throughput, record their recipe with data as references, and
// reject bad options when made.
import { describe, it, expect } from "vitest";
import { datasets } from "../data/index.js";
import { models } from "../models/index.js";
import { OptionError } from "../core/errors.js";
import { finetune, train } from "./steps.js";

describe("train and finetune steps", () => {
  it("train then finetune through apply, recorded as a recipe", async () => {
    const mnist = await datasets.mnist();
    const epochs: number[] = [];
    const model = await models.mlp([784, 32, 10], { seed: 1 }).apply(
      train({ data: mnist.train.take(512), validation: "mnist:test.take(200)", epochs: 2, batchSize: 32, seed: 1, display: false, onEpoch: (r) => epochs.push(r.epoch) }),
      finetune({ data: mnist.train.take(512), batchSize: 32, display: false }),
    );
    expect(epochs).toEqual([1, 2]);
    const [trained, tuned] = model.history;
    expect(trained!.metrics.validationAccuracy as number).toBeGreaterThan(0.5); // 32 steps; chance is 0.1
    expect(trained!.metrics.samplesPerSec as number).toBeGreaterThan(0);
    expect(tuned!.metrics.epochs).toBe(3); // FINETUNE_DEFAULTS
    expect(model.recipe).toEqual([
      { step: "train", data: "mnist:train.take(512)", validation: "mnist:test.take(200)", epochs: 2, batchSize: 32, seed: 1 },
      { step: "finetune", data: "mnist:train.take(512)", batchSize: 32 },
    ]);
    expect((await model.evaluate("mnist:test")).accuracy).toBeGreaterThan(trained!.metrics.validationAccuracy as number);
  });

  it("lists every bad option when the step is made", () => {
    const make = () => train({ data: "mnist:train", epochs: 0, lr: -1, optimiser: "adam" } as never);
    expect(make).toThrow(OptionError);
    expect(make).toThrow(/epochs must be a positive integer[\s\S]*lr must be a number > 0/);
    expect(make).toThrow(/training option must be one of \[.*\], got "optimiser"/);
    expect(() => train({ data: "mnist:train", loss: () => 0 } as never)).toThrow(/"loss" is not a step option/);
  });

  it("reports data it cannot use with the references allowed", async () => {
    const step = train({ data: "cifar:train", epochs: 1, display: false });
    await expect(models.mlp([784, 8, 10]).apply(step)).rejects.toThrow(/data must be one of \[mnist:train, mnist:test\]/);
  });
});
