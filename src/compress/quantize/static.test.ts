import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNpz } from "../../formats/numpy/npz.js";
import { readOnnx } from "../../formats/onnx/index.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { validateGraph } from "../../graph/validate.js";
import { Model } from "../../model/model.js";
import "../../model/registered-steps.js";
import { stepFromRecipe } from "../../model/step-registry.js";
import { cnn } from "../../models/zoo.js";
import { ortOptimizedOpTypes, runOrt } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { sqnrDb } from "./grid.js";
import { staticQuantize } from "./static.js";
import { int8PairsSaturate } from "../../core/cpu-features.js";

const fixture = (name: string) => readOnnx(`test/fixtures/models/${name}.onnx`);
const first = async (graph: Graph, feeds: ReturnType<typeof randomInputs>) => (await runOrt(graph, feeds))[graph.outputs[0]!.name]!.data as Float32Array;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "compactor-static-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("quantize.static", () => {
  it("places QDQ that onnxruntime fuses completely into integer kernels (residual CNN)", async () => {
    const graph = await fixture("residual_cnn");
    const calibration = randomInputs(graph, { seed: 1, batch: 32 });
    const out = await new Model(graph).apply(staticQuantize({ calibration, latencyAware: false, latency: false }));
    validateGraph(out.graph);
    const ops = await ortOptimizedOpTypes(out.graph);
    expect(ops.filter((op) => op === "com.microsoft.QLinearConv")).toHaveLength(6);
    expect(ops.filter((op) => op === "com.microsoft.QLinearAdd")).toHaveLength(2);
    expect(ops).toContain("com.microsoft.QGemm");
    expect(ops.filter((op) => op === "Conv" || op === "DequantizeLinear" || op === "Relu")).toEqual([]);
    expect(out.graph.nodes.some((n) => n.opType === "Relu")).toBe(false);
    const feeds = randomInputs(graph, { seed: 7, batch: 4 });
    expect(sqnrDb(await first(graph, feeds), await first(out.graph, feeds))).toBeGreaterThan(25);
    const m = out.history[0]!.metrics;
    expect(m.layersInt8).toBe(10);
    expect(m.sizeRatio as number).toBeLessThan(0.45);
  });

  it("reduceRange: int8 weights on [-64, 64] or [-127, 127] as asked, the default from this CPU, recorded in the recipe", async () => {
    const graph = await fixture("residual_cnn");
    const calibration = randomInputs(graph, { seed: 1, batch: 8 });
    const int8Weights = (g: Graph) => [...g.initializers.values()].filter((t) => t.dtype === "int8").flatMap((t) => Array.from(t.data as Int8Array));
    const reduced = await staticQuantize({ calibration, latencyAware: false, latency: false, reduceRange: true }).run(new Model(graph));
    const full = await staticQuantize({ calibration, latencyAware: false, latency: false, reduceRange: false }).run(new Model(graph));
    const span = (g: Graph) => Math.max(...int8Weights(g).map(Math.abs));
    expect(span(reduced.graph)).toBe(64);
    expect(span(full.graph)).toBe(127);
    expect(JSON.stringify(reduced.figures)).toContain("int8 weights on [-64, 64] (reduceRange)");
    expect(staticQuantize({ calibration: "mnist:train" }).toJSON()).toMatchObject({ reduceRange: int8PairsSaturate() });
    expect(stepFromRecipe({ step: "quantize.static", calibration: "mnist:train", reduceRange: true }).toJSON()).toMatchObject({ reduceRange: true });
  });

  it("folds BatchNorm into the conv before quantizing and computes what the float model does", async () => {
    const graph = cnn({ channels: [8, 16], seed: 3 });
    expect(graph.nodes.filter((n) => n.opType === "BatchNormalization")).toHaveLength(2);
    const calibration = randomInputs(graph, { seed: 2, batch: 32 });
    const out = await new Model(graph).apply(staticQuantize({ calibration, latencyAware: false, latency: false }));
    expect(out.history[0]!.metrics.foldedBatchNorms).toBe(2);
    expect(out.graph.nodes.some((n) => n.opType === "BatchNormalization")).toBe(false);
    const feeds = randomInputs(graph, { seed: 8, batch: 4 });
    expect(sqnrDb(await first(graph, feeds), await first(out.graph, feeds))).toBeGreaterThan(25);
  });

  it("percentile and entropy calibration narrow the ranges minmax takes", async () => {
    const graph = await fixture("residual_cnn");
    const calibration = randomInputs(graph, { seed: 1, batch: 32 });
    const ranges = async (method: "minmax" | "percentile" | "entropy") => {
      const out = await new Model(graph).apply(staticQuantize({ calibration, method, latencyAware: false, latency: false }));
      return out.graph.nodes.filter((n) => n.opType === "QuantizeLinear").map((n) => out.graph.initializers.get(n.inputs[1]!)!.data[0] as number);
    };
    const minmax = await ranges("minmax");
    for (const method of ["percentile", "entropy"] as const) {
      const scales = await ranges(method);
      expect(scales).toHaveLength(minmax.length);
      expect(scales.every((s, i) => s <= minmax[i]! * (1 + 1e-6))).toBe(true);
      expect(scales.some((s, i) => s < minmax[i]! * 0.99)).toBe(true);
    }
  });

  it("latency-aware: times every int8 layer in onnxruntime and says why each is int8 or float", async () => {
    const graph = await fixture("residual_cnn");
    const out = await new Model(graph).apply(staticQuantize({ calibration: randomInputs(graph, { seed: 1, batch: 16 }), latencyBatch: 2 }));
    const m = out.history[0]!.metrics;
    expect(m.latencyMsBefore as number).toBeGreaterThan(0);
    expect(m.latencyMsAfter as number).toBeGreaterThan(0);
    expect(typeof m.cpu).toBe("string");
    const model = out.history[0]!;
    expect(model.metrics.layersInt8 as number + (model.metrics.layersFloat as number)).toBe(10);
  });

  it("reads calibration from an .npz named like the inputs and replays from its recipe", async () => {
    const graph = await fixture("residual_cnn");
    const path = join(dir, "calib.npz");
    await writeNpz(path, randomInputs(graph, { seed: 4, batch: 8 }));
    const step = staticQuantize({ calibration: path, samples: 8, latencyAware: false, latency: false });
    const out = await new Model(graph).apply(step);
    expect(out.recipe[0]).toMatchObject({ step: "quantize.static", calibration: path, samples: 8, method: "minmax" });
    const again = await new Model(graph).apply(stepFromRecipe(out.recipe[0]!));
    expect(again.graph.nodes.length).toBe(out.graph.nodes.length);
  });

  it("names what is wrong with the calibration data: names, shapes, emptiness", async () => {
    const graph = await fixture("residual_cnn");
    const wrongName = join(dir, "wrong-name.npz");
    await writeNpz(wrongName, { pixels: makeTensor("float32", [2, 3, 32, 32], new Float32Array(2 * 3 * 32 * 32)) });
    await expect(new Model(graph).apply(staticQuantize({ calibration: wrongName, latency: false }))).rejects.toThrow(/expected \[image\], got \[pixels\]/);
    const wrongShape = join(dir, "wrong-shape.npz");
    await writeNpz(wrongShape, { image: makeTensor("float32", [2, 3, 16, 16], new Float32Array(2 * 3 * 16 * 16)) });
    await expect(new Model(graph).apply(staticQuantize({ calibration: wrongShape, latency: false }))).rejects.toThrow(/"image": the model takes \[batch, 3, 32, 32\], got \[2, 3, 16, 16\]/);
    const empty = { image: makeTensor("float32", [0, 3, 32, 32], new Float32Array(0)) };
    await expect(new Model(graph).apply(staticQuantize({ calibration: empty, latency: false }))).rejects.toThrow(/is empty: .* \(expected ≥ 1, got 0\)/);
    const mnist = new Model(graph).apply(staticQuantize({ calibration: "mnist:train", latency: false }));
    await expect(mnist).rejects.toThrow(/samples are \[784\] but model input "image" takes \[3, 32, 32\]/);
  });

  it("rejects bad options at once and an already quantized graph", async () => {
    expect(() => staticQuantize({ calibration: "mnist:train", bits: 4 as never, method: "kl" as never })).toThrow(/method must be one of \[minmax, percentile, entropy\], got "kl"/);
    expect(() => staticQuantize({ calibration: "mnist:train", bits: 4 as never })).toThrow(/bits must be 8 \(int8 kernels\), got 4/);
    expect(() => staticQuantize({} as never)).toThrow(/calibration is required/);
    const graph = await fixture("residual_cnn");
    const calibration = randomInputs(graph, { seed: 1, batch: 4 });
    const once = await new Model(graph).apply(staticQuantize({ calibration, latencyAware: false, latency: false }));
    await expect(once.apply(staticQuantize({ calibration, latency: false }))).rejects.toThrow(/already quantized/);
  });
});
