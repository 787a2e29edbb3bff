import { describe, expect, it } from "vitest";
import { readOnnx } from "../../formats/onnx/index.js";
import { makeTensor } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { validateGraph } from "../../graph/validate.js";
import { Model } from "../../model/model.js";
import "../../model/registered-steps.js";
import { stepFromRecipe } from "../../model/step-registry.js";
import { runOrt } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { sqnrDb } from "./grid.js";
import { quantizeWeightsPass, type WeightPassOptions } from "./weights-pass.js";
import { matmulNBitsSupport, weights } from "./weights.js";

const fixture = (name: string) => readOnnx(`test/fixtures/models/${name}.onnx`);
const base: WeightPassOptions = { bits: 8, perChannel: true, symmetric: true, format: "auto", ops: ["Conv", "ConvTranspose", "Gemm", "MatMul", "Gather"], nbits: true };

/** The float graph with each quantized weight replaced by its dequantized values: what the quantized graph must compute. */
function dequantizedReference(graph: Graph, pass: ReturnType<typeof quantizeWeightsPass>): Graph {
  const initializers = new Map(graph.initializers);
  for (const row of pass.layers) {
    const w = pass.weights.find((q) => q.layer === row.layer);
    if (!w || !row.weight) continue;
    initializers.set(row.weight.name, makeTensor("float32", w.quantized.dims, w.quantized.dequantized));
  }
  return { ...graph, initializers };
}

async function outputsOf(graph: Graph, feeds: ReturnType<typeof randomInputs>) {
  const out = await runOrt(graph, feeds);
  return out[graph.outputs[0]!.name]!.data as Float32Array;
}

describe("quantize.weights pass", () => {
  it("int8 per channel: DequantizeLinear on int8 weights computes the dequantized float model exactly", async () => {
    const graph = await fixture("residual_cnn");
    const pass = quantizeWeightsPass(graph, base);
    validateGraph(pass.graph);
    const dq = pass.graph.nodes.filter((n) => n.opType === "DequantizeLinear");
    expect(dq).toHaveLength(7);
    expect(dq.every((n) => n.attributes.axis?.type === "int")).toBe(true);
    expect([...pass.graph.initializers.entries()].filter(([name, t]) => t.dtype === "int8" && name.endsWith("_quantized"))).toHaveLength(7);
    expect(pass.layers.every((l) => l.choice === "int8" && l.weight!.sqnr! > 35)).toBe(true);
    const feeds = randomInputs(graph, { seed: 3, batch: 2 });
    const got = await outputsOf(pass.graph, feeds);
    const want = await outputsOf(dequantizedReference(graph, pass), feeds);
    expect(sqnrDb(want, got)).toBeGreaterThan(100);
    expect(sqnrDb(await outputsOf(graph, feeds), got)).toBeGreaterThan(30);
  });

  it("int4 blocks as DequantizeLinear at opset 21 (format qdq) and as MatMulNBits agree with the dequantized weights", async () => {
    expect(await matmulNBitsSupport()).toBe(true);
    const graph = await fixture("mlp");
    const qdq = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 16, format: "qdq" });
    const nbits = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 16 });
    expect(qdq.graph.opsets[""]).toBe(21);
    expect([...qdq.graph.initializers.values()].some((t) => t.dtype === "int4")).toBe(true);
    expect(nbits.graph.nodes.filter((n) => n.opType === "MatMulNBits")).toHaveLength(4);
    expect(nbits.graph.nodes.some((n) => n.opType === "Gemm")).toBe(false);
    const feeds = randomInputs(graph, { seed: 4, batch: 5 });
    const want = await outputsOf(dequantizedReference(graph, qdq), feeds);
    expect(sqnrDb(want, await outputsOf(qdq.graph, feeds))).toBeGreaterThan(90);
    expect(sqnrDb(want, await outputsOf(nbits.graph, feeds))).toBeGreaterThan(60);
  });

  it("asymmetric int4 MatMulNBits (packed zero points) matches its DequantizeLinear twin", async () => {
    const graph = await fixture("mlp");
    const feeds = randomInputs(graph, { seed: 5, batch: 3 });
    const qdq = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 16, symmetric: false, format: "qdq" });
    const nbits = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 16, symmetric: false });
    expect(nbits.graph.nodes.find((n) => n.opType === "MatMulNBits")!.inputs[3]).not.toBe("");
    expect(sqnrDb(await outputsOf(qdq.graph, feeds), await outputsOf(nbits.graph, feeds))).toBeGreaterThan(60);
  });

  it("blocks MatMulNBits cannot take fall back to DequantizeLinear and the report says why", () => {
    return fixture("mlp").then((graph) => {
      const pass = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 12 });
      expect(pass.graph.nodes.some((n) => n.opType === "MatMulNBits")).toBe(false);
      expect(pass.layers[0]!.reason).toContain("MatMulNBits needs a power-of-two blockSize ≥ 16, got 12");
    });
  });

  it("reads weights shared through Identity (PyTorch's cloned layers) and stores them once", async () => {
    const graph = await fixture("transformer");
    const pass = quantizeWeightsPass(graph, { ...base, bits: 4, blockSize: 16 });
    validateGraph(pass.graph);
    expect(pass.graph.nodes.some((n) => n.opType === "Identity" && graph.initializers.has(n.inputs[0]!))).toBe(false);
    const nbits = pass.graph.nodes.filter((n) => n.opType === "MatMulNBits");
    expect(nbits.length).toBe(9);
    expect(new Set(nbits.map((n) => n.inputs[1])).size).toBe(5);
    const feeds = randomInputs(graph, { seed: 6, batch: 4, intMax: 50 });
    expect(sqnrDb(await outputsOf(graph, feeds), await outputsOf(pass.graph, feeds))).toBeGreaterThan(15);
  });
});

describe("quantize.weights step", () => {
  it("reports every layer, size and SQNR, and replays from its recipe", async () => {
    const model = new Model(await fixture("residual_cnn"));
    const out = await model.apply(weights({ bits: 8, latency: false }));
    const report = out.history[0]!;
    expect(report.metrics.layersInt8).toBe(7);
    expect(report.metrics.sizeRatio as number).toBeLessThan(0.35);
    expect(report.metrics.cpu).toBeTypeOf("string");
    const again = await model.apply(stepFromRecipe(out.recipe[0]!));
    expect(again.graph.initializers.size).toBe(out.graph.initializers.size);
  });

  it("names bad options all at once", () => {
    expect(() => weights({ bits: 3 as never, blockSize: -1, ops: ["Softmax"] })).toThrow(/bits must be one of \[4, 8\], got 3[\s\S]*blockSize must be in \[0/);
    expect(() => weights({ ops: ["Softmax"] })).toThrow(/ops must be from \[Conv, ConvTranspose, Gemm, MatMul, Gather\], got "Softmax"/);
  });

  it("refuses a graph that is already quantized", async () => {
    const once = await new Model(await fixture("mlp")).apply(weights({ latency: false }));
    await expect(once.apply(weights({ latency: false }))).rejects.toThrow(/already quantized \("[^"]+" \(DequantizeLinear\)/);
  });
});
