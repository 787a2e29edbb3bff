// prune.channels through Model.apply: each importance criterion removes the
// channels it should (checked on channels built to be told apart), layers
// shrink physically with their consumers, masks follow the cut, the report
// and recipe form, the over-pruning guard, and every bad input named.
import { describe, expect, it } from "vitest";
import { GraphError, OptionError } from "../../core/errors.js";
import { GraphBuilder } from "../../graph/builder.js";
import { editGraph } from "../../graph/edit.js";
import { float32 } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { validateGraph } from "../../graph/validate.js";
import { models } from "../../models/index.js";
import { Model } from "../../model/model.js";
import { stepsFromRecipe } from "../../model/step-registry.js";
import { PLOTLY_MIME } from "../../display/plotly.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { channels } from "./channels.js";
import { magnitude } from "./magnitude.js";
import "../../model/registered-steps.js";

const DEAD = 10;

/**
 * An MLP 784-40-20-10 whose first DEAD hidden neurons have the largest
 * weights (l1 keeps them) and a bias so negative that ReLU silences them on
 * every input (activation, APoZ and Taylor remove them first).
 */
function mlpWithDeadNeurons(): Model {
  const dense = models.mlp([784, 40, 20, 10], { seed: 5 });
  const graph = editGraph(dense.graph, (edit) => {
    const w = Float32Array.from(dense.graph.initializers.get("fc1.weight")!.data as Float32Array);
    const b = Float32Array.from(dense.graph.initializers.get("fc1.bias")!.data as Float32Array);
    for (let n = 0; n < DEAD; n++) {
      for (let i = 0; i < 784; i++) w[n * 784 + i]! *= 10;
      b[n] = -1e4;
    }
    edit.setInitializer("fc1.weight", float32([40, 784], w));
    edit.setInitializer("fc1.bias", float32([40], b));
  });
  return new Model(graph);
}

/** Rows of a [rows, cols] tensor, as arrays. */
const rows = (graph: Graph, name: string) => {
  const t = graph.initializers.get(name)!;
  const [r, c] = t.dims as [number, number];
  return Array.from({ length: r }, (_, i) => Array.from((t.data as Float32Array).subarray(i * c, (i + 1) * c)));
};

/** Which rows of `before` survive in `after` (rows are matched by value). */
function keptRows(before: Graph, after: Graph, name: string): number[] {
  const original = rows(before, name).map((r) => r.join());
  return rows(after, name).map((r) => original.indexOf(r.join()));
}

describe("prune.channels importance", () => {
  it("l1 removes the neurons with the smallest filter norms, and fc2's matching inputs", async () => {
    const model = mlpWithDeadNeurons();
    const small = await model.apply(channels({ perLayer: { fc1: 0.25 }, importance: "l1", latency: false }));
    expect(small.graph.initializers.get("fc1.weight")!.dims).toEqual([30, 784]);
    expect(small.graph.initializers.get("fc1.bias")!.dims).toEqual([30]);
    expect(small.graph.initializers.get("fc2.weight")!.dims).toEqual([20, 30]);
    const norms = rows(model.graph, "fc1.weight").map((r) => r.reduce((s, v) => s + Math.abs(v), 0));
    const expected = norms.map((n, i) => [n, i] as const).sort((a, b) => a[0] - b[0]).slice(10).map(([, i]) => i).sort((a, b) => a - b);
    expect(keptRows(model.graph, small.graph, "fc1.weight")).toEqual(expected);
    // The dead neurons have the largest weights, so l1 keeps every one of them.
    for (let n = 0; n < DEAD; n++) expect(expected).toContain(n);
    validateGraph(small.graph);
    await expectMatchesOrt(small.graph, randomInputs(small.graph, { seed: 1, batch: 3 }));
  });

  it("l2 ranks by √Σw² (a different order from l1 on a filter with one large weight)", async () => {
    const dense = models.mlp([8, 4, 3], { seed: 1 });
    // Filter 0: one weight 3 (l1 3, l2 3); filter 1: eight weights 0.5 (l1 4, l2 √2); others tiny.
    const w = new Float32Array(32).fill(0.01);
    w.fill(0, 0, 8);
    w[0] = 3;
    w.fill(0.5, 8, 16);
    const graph = editGraph(dense.graph, (edit) => edit.setInitializer("fc1.weight", float32([4, 8], w)));
    const byL1 = await new Model(graph).apply(channels({ perLayer: { fc1: 0.75 }, importance: "l1", latency: false }));
    const byL2 = await new Model(graph).apply(channels({ perLayer: { fc1: 0.75 }, importance: "l2", latency: false }));
    expect(keptRows(graph, byL1.graph, "fc1.weight")).toEqual([1]);
    expect(keptRows(graph, byL2.graph, "fc1.weight")).toEqual([0]);
  });

  it("activation (mean |a| and APoZ) and taylor remove the neurons ReLU silences on MNIST", async () => {
    const model = mlpWithDeadNeurons();
    for (const options of [{ importance: "activation" }, { importance: "activation", statistic: "apoz" }, { importance: "taylor" }] as const) {
      const small = await model.apply(channels({ perLayer: { fc1: 0.25 }, data: "mnist:train", samples: 64, latency: false, ...options }));
      const kept = keptRows(model.graph, small.graph, "fc1.weight");
      expect(kept, JSON.stringify(options)).toEqual([...Array(30).keys()].map((i) => i + DEAD));
      expect(small.history[0]!.metrics.importance).toBe(options.importance);
    }
  }, 120_000);

  it("activation reads a conv net's channels through intermediate outputs (LeNet-5)", async () => {
    const small = await models.lenet5({ seed: 2 }).apply(channels({ ratio: 0.5, importance: "activation", data: "mnist:train", samples: 32, latency: false }));
    expect(small.graph.initializers.get("conv1.weight")!.dims).toEqual([3, 1, 5, 5]);
    expect(small.graph.initializers.get("conv2.weight")!.dims).toEqual([8, 3, 5, 5]);
    // Flatten → Gemm: each removed conv2 channel takes its 5×5 block of fc1's inputs.
    expect(small.graph.initializers.get("fc1.weight")!.dims[1]).toBe(8 * 25);
    await expectMatchesOrt(small.graph, randomInputs(small.graph, { seed: 2, batch: 2 }));
  }, 60_000);

  it("bn-scale removes the channels with the smallest |γ| and cuts every BatchNorm parameter", async () => {
    const dense = models.cnn({ channels: [8, 16], seed: 3 });
    const gamma = Float32Array.from([0.5, -3, 0.1, 2, -0.2, 4, 1, -0.05]);
    const graph = editGraph(dense.graph, (edit) => edit.setInitializer("bn1.weight", float32([8], gamma)));
    const small = await new Model(graph).apply(channels({ perLayer: { conv1: 0.5 }, importance: "bn-scale", latency: false }));
    expect(Array.from(small.graph.initializers.get("bn1.weight")!.data as Float32Array)).toEqual([-3, 2, 4, 1]);
    for (const p of ["bn1.bias", "bn1.running_mean", "bn1.running_var", "conv1.bias"]) expect(small.graph.initializers.get(p)!.dims).toEqual([4]);
    expect(small.graph.initializers.get("conv2.weight")!.dims).toEqual([16, 4, 3, 3]);
    await expect(models.mlp([784, 16, 10]).apply(channels({ ratio: 0.5, importance: "bn-scale", latency: false }))).rejects.toThrow(
      /importance "bn-scale" ranks channels by the \|γ\| of the BatchNormalization after them, and graph "mlp_784_16_10" has none/,
    );
  });
});

describe("prune.channels", () => {
  it("prunes every group by the ratio, never the graph output, and keeps the output shape", async () => {
    const dense = models.lenet5({ seed: 4 });
    const small = await dense.apply(channels({ ratio: 0.5, latency: false }));
    const dims = (n: string) => small.graph.initializers.get(n)!.dims;
    expect(dims("conv1.weight")).toEqual([3, 1, 5, 5]);
    expect(dims("fc1.weight")[0]).toBe(60);
    expect(dims("fc2.weight")).toEqual([42, 60]);
    expect(dims("fc3.weight")).toEqual([10, 42]);
    const m = small.history[0]!.metrics;
    expect(m["params ratio"] as number).toBeLessThan(0.35);
    expect(m["MACs ratio"] as number).toBeLessThan(0.35);
    expect(m["groups pruned"]).toBe(4);
    expect(m["groups kept whole"]).toBe(1);
    expect(String(m["kept whole (cannot be cut)"])).toBe("fc3");
  });

  it("keeps at least minChannels in every layer", async () => {
    const small = await models.mlp([784, 8, 6, 10], { seed: 1 }).apply(channels({ ratio: 0.9, minChannels: 3, latency: false }));
    expect(small.graph.initializers.get("fc1.weight")!.dims).toEqual([3, 784]);
    expect(small.graph.initializers.get("fc2.weight")!.dims).toEqual([3, 3]);
    const tiny = await models.mlp([784, 8, 6, 10], { seed: 1 }).apply(channels({ ratio: 0.9, latency: false }));
    expect(tiny.graph.initializers.get("fc1.weight")!.dims).toEqual([1, 784]);
  });

  it("cuts prune.magnitude's masks with their weights, so finetuning keeps the zeros", async () => {
    const sparse = await models.mlp([784, 16, 12, 10], { seed: 2 }).apply(magnitude({ sparsity: 0.6, latency: false }));
    const small = await sparse.apply(channels({ ratio: 0.5, latency: false }));
    for (const name of ["fc1.weight", "fc2.weight", "fc3.weight"]) {
      const w = small.graph.initializers.get(name)!;
      const mask = small.masks.get(name)!;
      expect(mask.length, name).toBe(w.data.length);
      (w.data as Float32Array).forEach((v, i) => expect(v === 0).toBe(mask[i] === 0));
    }
    expect(small.history[1]!.metrics["masks dropped (weights changed)"]).toBeUndefined();
  });

  it("reports layers, groups, a chart and a histogram with text twins, and latency", async () => {
    const small = await models.lenet5({ seed: 2 }).apply(channels({ ratio: 0.5, latency: { runs: 3, warmup: 1 } }));
    const { metrics } = small.history[0]!;
    expect(metrics["ort latency b1 before (ms)"] as number).toBeGreaterThan(0);
    expect(metrics["latency ratio"]).not.toBeNull();
    const result = await channels({ ratio: 0.5, latency: false }).run(models.lenet5({ seed: 2 }));
    const [layers, groups, chart, histogram] = result.figures!;
    expect(layers!["text/plain"]).toMatch(/conv1[\s\S]*\[6, 1, 5, 5\][\s\S]*\[3, 1, 5, 5\]/);
    expect(groups!["text/plain"]).toMatch(/dependency groups[\s\S]*fc3[\s\S]*graph output "logits"/);
    expect(layers!["text/html"]).toMatch(/<table/);
    expect(chart![PLOTLY_MIME]).toBeDefined();
    expect(chart!["text/plain"]).toMatch(/conv1/);
    expect(histogram![PLOTLY_MIME]).toBeDefined();
  });

  it("runs from a recipe and records its options", async () => {
    const steps = stepsFromRecipe([{ step: "prune.channels", ratio: 0.5, importance: "l2", exclude: ["fc2"], latency: false }]);
    const small = await models.mlp([784, 16, 12, 10]).apply(...steps);
    expect(small.recipe).toEqual([{ step: "prune.channels", ratio: 0.5, importance: "l2", exclude: ["fc2"], latency: false }]);
    expect(small.graph.initializers.get("fc1.weight")!.dims).toEqual([8, 784]);
    expect(small.graph.initializers.get("fc2.weight")!.dims).toEqual([12, 8]);
  });
});

describe("prune.channels bad input", () => {
  it("names every bad option at once", () => {
    expect(() => channels({} as never)).toThrow(/pass ratio \(e\.g\. 0\.5\) or perLayer/);
    expect(() => channels({ ratio: 1 })).toThrow(OptionError);
    expect(() => channels({ ratio: 1, importance: "l3" } as never)).toThrow(/ratio[\s\S]*importance must be one of \[l1, l2, bn-scale, activation, taylor\]/);
    expect(() => channels({ perLayer: { fc1: 1 } })).toThrow(/perLayer\["fc1"\] must be a ratio in \[0, 1\) \(1 would empty the layer\), got 1/);
    expect(() => channels({ ratio: 0.5, importance: "activation" })).toThrow(/importance "activation" reads activations on data: pass data, e\.g\. data: "mnist:train"/);
    expect(() => channels({ ratio: 0.5, importance: "taylor" })).toThrow(/importance "taylor" reads activations and gradients on data: pass data/);
    expect(() => channels({ ratio: 0.5, statistic: "apoz" })).toThrow(/statistic applies to importance "activation", not "l1"/);
  });

  it("names layers perLayer cannot prune as asked", async () => {
    const mlp = () => models.mlp([784, 16, 12, 10], { seed: 1 });
    await expect(mlp().apply(channels({ perLayer: { fc9: 0.5, relu1: 0.5 }, latency: false }))).rejects.toThrow(
      /perLayer\["fc9"\]: graph "mlp_784_16_12_10" has no node "fc9"; perLayer\["relu1"\]: node "relu1" \(Relu\) does not produce prunable channels/,
    );
    await expect(mlp().apply(channels({ perLayer: { fc3: 0.5 }, latency: false }))).rejects.toThrow(/layer "fc3" cannot be pruned: graph output "logits" \(axis 1\) keeps its size/);
    await expect(mlp().apply(channels({ perLayer: { fc1: 0.9 }, minChannels: 4, latency: false }))).rejects.toThrow(
      /ratio 0.9 for layer "fc1" asks for 14 of its 16 channel units, but only 12 can go without leaving a layer below minChannels \(4\)/,
    );
  });

  it("an unmappable group is an error naming the node, not a guess", async () => {
    // Hardmax over fc's features: compactor has no channel rule for it (fc0 before it stays prunable).
    const b = new GraphBuilder({ name: "hard", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    const h0 = b.node("Gemm", [x, b.initializer("w0", float32([4, 6], new Float32Array(24).fill(0.5)))], {}, { name: "fc0" })[0]!;
    const r = b.node("Relu", [h0], {}, { name: "relu" })[0]!;
    const h = b.node("Gemm", [r, b.initializer("w", float32([6, 6], new Float32Array(36).fill(0.5)))], {}, { name: "fc" })[0]!;
    const y = b.node("Gemm", [b.node("Hardmax", [h], { axis: 1 }, { name: "hm" })[0]!, b.initializer("w2", float32([6, 2], new Float32Array(12).fill(1)))], {}, { name: "out" })[0]!;
    b.output(y, "y");
    const model = new Model(b.build());
    await expect(model.apply(channels({ perLayer: { fc: 0.5 }, latency: false }))).rejects.toThrow(
      /layer "fc" cannot be pruned: node "hm" \(Hardmax\) reads channels, and compactor has no channel rule for Hardmax/,
    );
    const small = await model.apply(channels({ ratio: 0.5, latency: false }));
    expect(small.graph.initializers.get("w0")!.dims).toEqual([4, 3]);
    expect(small.graph.initializers.get("w")!.dims).toEqual([3, 6]);
    expect(String(small.history[0]!.metrics["kept whole (cannot be cut)"])).toBe("fc, out");
  });

  it("says when there is nothing to prune, and refuses a quantized graph", async () => {
    const b = new GraphBuilder({ name: "adder", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    b.output(b.node("Add", [x, b.initializer("c", float32([4], [1, 2, 3, 4]))])[0]!, "y");
    await expect(new Model(b.build()).apply(channels({ ratio: 0.5, latency: false }))).rejects.toThrow(GraphError);
    await expect(new Model(b.build()).apply(channels({ ratio: 0.5, latency: false }))).rejects.toThrow(/graph "adder" has nothing to prune: no Conv, Gemm, MatMul or embedding layer produces channels/);

    const q = new GraphBuilder({ name: "quantized", opset: 17 });
    const input = q.input("x", "float32", ["N", 4]);
    const quant = q.node("QuantizeLinear", [input, q.initializer("s", float32([], [0.1]))], {}, { name: "q" })[0]!;
    const d = q.node("DequantizeLinear", [quant, "s"], {}, { name: "dq" })[0]!;
    q.output(q.node("MatMul", [d, q.initializer("w", float32([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]))])[0]!, "y");
    await expect(new Model(q.build()).apply(channels({ ratio: 0.5, latency: false }))).rejects.toThrow(/graph "quantized" is quantized .*prune the float model first/);
  });

  it("says when exclude names nothing in the graph", async () => {
    await expect(models.mlp([784, 16, 10]).apply(channels({ ratio: 0.5, exclude: ["fc7"], latency: false }))).rejects.toThrow(/exclude names no node or op type of graph "mlp_784_16_10": "fc7"/);
  });
});
