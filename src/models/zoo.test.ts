import { describe, expect, it } from "vitest";
import { cnn, fromSpec, lenet5, mlp } from "./zoo.js";
import { summarize } from "../graph/counts.js";
import { validateGraph } from "../graph/validate.js";
import { runOrt } from "../runtime/ort.js";
import { randomInputs } from "../runtime/random-inputs.js";
import { OptionError } from "../core/errors.js";

describe("model zoo", () => {
  it("builds an MLP with PyTorch's parameter count and runs in onnxruntime", async () => {
    const g = mlp([784, 300, 100, 10]);
    validateGraph(g);
    // 784·300+300 + 300·100+100 + 100·10+10
    expect(summarize(g).params).toBe(266_610);
    const out = await runOrt(g, randomInputs(g, { seed: 0, batch: 3 }));
    expect(out["logits"]!.dims).toEqual([3, 10]);
  });

  it("initialises within PyTorch's ±1/√fan_in bound, reproducibly from the seed", () => {
    const a = mlp([784, 30, 10], { seed: 7 });
    const b = mlp([784, 30, 10], { seed: 7 });
    const c = mlp([784, 30, 10], { seed: 8 });
    const w = a.initializers.get("fc1.weight")!.data as Float32Array;
    const bound = 1 / Math.sqrt(784);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.9);
    expect(b.initializers.get("fc1.weight")!.data).toEqual(w);
    expect(c.initializers.get("fc1.weight")!.data).not.toEqual(w);
  });

  it("adds dropout nodes only when asked", () => {
    expect(mlp([784, 10]).nodes.some((n) => n.opType === "Dropout")).toBe(false);
    const g = mlp([784, 1200, 1200, 10], { dropout: 0.5, inputDropout: 0.2 });
    expect(g.nodes.filter((n) => n.opType === "Dropout")).toHaveLength(3);
  });

  it("builds LeNet-5 (61,706 parameters) and a BatchNorm CNN that run in onnxruntime", async () => {
    const l = lenet5();
    expect(summarize(l).params).toBe(61_706);
    expect((await runOrt(l, randomInputs(l, { seed: 0, batch: 2 })))["logits"]!.dims).toEqual([2, 10]);
    const c = cnn({ channels: [8, 16] });
    expect((await runOrt(c, randomInputs(c, { seed: 0, batch: 2 })))["logits"]!.dims).toEqual([2, 10]);
  });

  it("parses specs and rejects bad ones with the allowed values", () => {
    expect(summarize(fromSpec("mlp:784-300-100-10")!).params).toBe(266_610);
    expect(fromSpec("mlp:784-1200-1200-10,dropout=0.5,inputDropout=0.2")!.nodes.filter((n) => n.opType === "Dropout")).toHaveLength(3);
    expect(fromSpec("lenet5,seed=3")!.name).toBe("lenet5");
    expect(fromSpec("path/to/model.onnx")).toBeUndefined();
    expect(() => fromSpec("resnet")).toThrow(/must be one of \[mlp, lenet5, cnn\]/);
    expect(() => fromSpec("mlp:784-x-10")).toThrow(OptionError);
    expect(() => fromSpec("mlp:784-10,dropuot=0.5")).toThrow(/must be one of \[dropout, inputDropout, seed\]/);
  });
});
