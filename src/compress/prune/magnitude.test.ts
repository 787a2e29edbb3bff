// prune.magnitude through Model.apply: exact sparsity per layer and globally,
// zeros in the graph, masks kept with the model, the report's tables and
// figures (with text twins), the recipe form, and every bad input named.
import { describe, expect, it } from "vitest";
import { GraphError, OptionError } from "../../core/errors.js";
import { GraphBuilder } from "../../graph/builder.js";
import { float32 } from "../../graph/tensor.js";
import { models } from "../../models/index.js";
import { Model } from "../../model/model.js";
import { stepsFromRecipe } from "../../model/step-registry.js";
import { PLOTLY_MIME } from "../../display/plotly.js";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { magnitude } from "./magnitude.js";
import "../../model/registered-steps.js";

const zeroFraction = (data: ArrayLike<number>) => Array.from(data).filter((v) => v === 0).length / data.length;

describe("prune.magnitude", () => {
  it("zeros the given fraction of every Gemm weight in layer scope and keeps the masks", async () => {
    const dense = models.mlp([784, 40, 20, 10], { seed: 3 });
    const sparse = await dense.apply(magnitude({ sparsity: 0.8, latency: false }));
    for (const name of ["fc1.weight", "fc2.weight", "fc3.weight"]) {
      const w = sparse.graph.initializers.get(name)!;
      expect(zeroFraction(w.data as Float32Array)).toBeCloseTo(0.8, 2);
      const mask = sparse.masks.get(name)!;
      expect(mask.length).toBe(w.data.length);
      (w.data as Float32Array).forEach((v, i) => expect(v === 0).toBe(mask[i] === 0));
    }
    // Biases are not pruned; the dense model is untouched.
    expect(sparse.graph.initializers.get("fc1.bias")!.data).toEqual(dense.graph.initializers.get("fc1.bias")!.data);
    expect(zeroFraction(dense.graph.initializers.get("fc1.weight")!.data as Float32Array)).toBe(0);
    const metrics = sparse.history[0]!.metrics;
    expect(metrics.sparsity as number).toBeCloseTo(0.8, 3);
    expect(metrics["params after"]).toBe(metrics["params before"]);
    expect(metrics["non-zero ratio"] as number).toBeCloseTo(0.2, 2);
    await expectMatchesOrt(sparse.graph, randomInputs(sparse.graph, { seed: 1, batch: 2 }));
  });

  it("uses one threshold over all weights in global scope", async () => {
    const sparse = await models.mlp([784, 300, 100, 10], { seed: 1 }).apply(magnitude({ sparsity: 0.9, scope: "global", latency: false }));
    const weights = ["fc1.weight", "fc2.weight", "fc3.weight"].map((n) => sparse.graph.initializers.get(n)!.data as Float32Array);
    const total = weights.reduce((n, w) => n + w.length, 0);
    const zeros = weights.reduce((n, w) => n + zeroFraction(w) * w.length, 0);
    expect(zeros / total).toBeCloseTo(0.9, 4);
    // The first layer has the smallest init scale (fan-in 784), so it loses more than 90%.
    expect(zeroFraction(weights[0]!)).toBeGreaterThan(0.9);
    expect(zeroFraction(weights[2]!)).toBeLessThan(0.9);
  });

  it("reports a per-layer table, a sparsity bar chart and a magnitude histogram, each with a text twin, and latency", async () => {
    const sparse = await models.lenet5({ seed: 2 }).apply(magnitude({ sparsity: 0.5, exclude: ["fc3"], latency: { runs: 3, warmup: 1 } }));
    const { metrics } = sparse.history[0]!;
    expect(metrics["ort latency b1 before (ms)"] as number).toBeGreaterThan(0);
    expect(metrics["ort latency b1 after (ms)"] as number).toBeGreaterThan(0);
    expect(metrics["latency ratio"]).not.toBeNull();
    expect(zeroFraction(sparse.graph.initializers.get("fc3.weight")!.data as Float32Array)).toBe(0);
    expect([...sparse.masks.keys()].sort()).toEqual(["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"]);
  });

  it("builds the figures apply shows", async () => {
    const step = magnitude({ sparsity: 0.5, latency: false });
    const result = await step.run(models.lenet5({ seed: 2 }));
    const [tableBundle, chart, histogram] = result.figures!;
    expect(tableBundle!["text/plain"]).toMatch(/conv1[\s\S]*\[6, 1, 5, 5\][\s\S]*50\.0%/);
    expect(tableBundle!["text/html"]).toMatch(/<table/);
    expect(chart![PLOTLY_MIME]).toBeDefined();
    expect((chart![PLOTLY_MIME] as { data: { type: string; x: string[] }[] }).data[0]!.x).toEqual(["conv1", "conv2", "fc1", "fc2", "fc3"]);
    expect(chart!["text/plain"]).toMatch(/conv1 +█{15}·{15} 50\.0%/);
    expect(histogram![PLOTLY_MIME]).toBeDefined();
    expect(histogram!["text/plain"]).toMatch(/before .* non-zero, 0 zeros\nafter .* zeros/);
  });

  it("runs from a recipe and records its options", async () => {
    const steps = stepsFromRecipe([{ step: "prune.magnitude", sparsity: 0.5, scope: "global", include: ["fc1"], latency: false }]);
    const sparse = await models.mlp([784, 16, 10]).apply(...steps);
    expect(sparse.recipe).toEqual([{ step: "prune.magnitude", sparsity: 0.5, scope: "global", include: ["fc1"], latency: false }]);
    expect(zeroFraction(sparse.graph.initializers.get("fc1.weight")!.data as Float32Array)).toBeCloseTo(0.5, 3);
    expect(zeroFraction(sparse.graph.initializers.get("fc2.weight")!.data as Float32Array)).toBe(0);
  });

  it("only makes masks sparser when applied twice", async () => {
    const once = await models.mlp([784, 16, 10]).apply(magnitude({ sparsity: 0.7, latency: false }));
    const twice = await once.apply(magnitude({ sparsity: 0.3, latency: false }));
    expect(zeroFraction(twice.graph.initializers.get("fc1.weight")!.data as Float32Array)).toBeCloseTo(0.7, 3);
    expect(twice.masks.get("fc1.weight")).toEqual(once.masks.get("fc1.weight"));
  });

  it("names every bad option at once", () => {
    expect(() => magnitude({ sparsity: 1 })).toThrow(OptionError);
    expect(() => magnitude({ sparsity: 1 })).toThrow(/sparsity must be in \[0, 1\), got 1/);
    expect(() => magnitude({ sparsity: -0.1, scope: "net" } as never)).toThrow(/sparsity must be in \[0, 1\), got -0.1[\s\S]*scope must be one of \[layer, global\]/);
    expect(() => magnitude({} as never)).toThrow(/sparsity is required/);
    expect(() => magnitude({ sparsity: 0.5, sparcity: 0.5 } as never)).toThrow(/prune.magnitude option must be one of \[sparsity, scope, include, exclude, latency\], got "sparcity"/);
  });

  it("says when include or exclude names nothing in the graph", async () => {
    const step = magnitude({ sparsity: 0.5, include: ["fc9", "Gemm"], exclude: ["Convv"], latency: false });
    await expect(models.mlp([784, 16, 10]).apply(step)).rejects.toThrow(/include names no node or op type of graph "mlp_784_16_10": "fc9"; exclude names no node or op type[^;]*"Convv"/);
  });

  it("says when there is nothing to prune", async () => {
    const b = new GraphBuilder({ name: "adder", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    b.output(b.node("Add", [x, b.initializer("c", float32([4], [1, 2, 3, 4]))])[0]!, "y");
    const step = magnitude({ sparsity: 0.5, latency: false });
    await expect(new Model(b.build()).apply(step)).rejects.toThrow(GraphError);
    await expect(new Model(b.build()).apply(step)).rejects.toThrow(/graph "adder" has nothing to prune: no Conv\/ConvTranspose\/Gemm\/MatMul node with a float weight initializer/);
    await expect(models.mlp([784, 16, 10]).apply(magnitude({ sparsity: 0.5, exclude: ["Gemm"], latency: false }))).rejects.toThrow(/nothing to prune[\s\S]*exclude \["Gemm"\]/);
  });

  it("refuses a quantized graph", async () => {
    const b = new GraphBuilder({ name: "quantized", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    const q = b.node("QuantizeLinear", [x, b.initializer("s", float32([], [0.1]))], {}, { name: "q" })[0]!;
    const d = b.node("DequantizeLinear", [q, "s"], {}, { name: "dq" })[0]!;
    b.output(b.node("MatMul", [d, b.initializer("w", float32([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]))])[0]!, "y");
    await expect(new Model(b.build()).apply(magnitude({ sparsity: 0.5, latency: false }))).rejects.toThrow(/graph "quantized" is quantized \(2 quantization nodes: "q" \(QuantizeLinear\), "dq" \(DequantizeLinear\)\); prune the float model first/);
  });
});
