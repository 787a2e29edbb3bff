import { describe, expect, it } from "vitest";
import { readOnnx } from "../../formats/onnx/index.js";
import { validateGraph } from "../../graph/validate.js";
import { Model } from "../../model/model.js";
import { ortOptimizedOpTypes, runOrt } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { sqnrDb } from "./grid.js";
import { quantizeDynamicPass } from "./dynamic-pass.js";
import { dynamic } from "./dynamic.js";
import { int8PairsSaturate } from "../../core/cpu-features.js";

const fixture = (name: string) => readOnnx(`test/fixtures/models/${name}.onnx`);
const first = async (graph: Parameters<typeof runOrt>[0], feeds: Parameters<typeof runOrt>[1]) => (await runOrt(graph, feeds))[graph.outputs[0]!.name]!.data as Float32Array;

describe("quantize.dynamic", () => {
  it("Gemm layers become DynamicQuantizeLinear → MatMulInteger, which onnxruntime fuses into one integer kernel", async () => {
    const graph = await fixture("mlp");
    const pass = quantizeDynamicPass(graph, { perChannel: true, ops: ["MatMul", "Gemm", "Conv"], reduceRange: false });
    validateGraph(pass.graph);
    expect(pass.graph.nodes.filter((n) => n.opType === "MatMulInteger")).toHaveLength(4);
    expect(pass.graph.nodes.some((n) => n.opType === "Gemm")).toBe(false);
    const feeds = randomInputs(graph, { seed: 2, batch: 16 });
    expect(sqnrDb(await first(graph, feeds), await first(pass.graph, feeds))).toBeGreaterThan(25);
    const fused = await ortOptimizedOpTypes(pass.graph);
    expect(fused.some((op) => /DynamicQuantizeMatMul|MatMulIntegerToFloat/.test(op))).toBe(true);
    expect(fused).not.toContain("MatMulInteger");
  });

  it("Conv layers become ConvInteger with one zero point and per-channel scales after it", async () => {
    const graph = await fixture("residual_cnn");
    const pass = quantizeDynamicPass(graph, { perChannel: true, ops: ["Conv"], reduceRange: false });
    validateGraph(pass.graph);
    const convs = pass.graph.nodes.filter((n) => n.opType === "ConvInteger");
    expect(convs).toHaveLength(6);
    expect(pass.graph.initializers.get(convs[0]!.inputs[3]!)!.dims).toEqual([]);
    const feeds = randomInputs(graph, { seed: 2, batch: 2 });
    expect(sqnrDb(await first(graph, feeds), await first(pass.graph, feeds))).toBeGreaterThan(20);
  });

  it("shares one DynamicQuantizeLinear per input and one stored weight per shared weight", async () => {
    const graph = await fixture("transformer");
    const pass = quantizeDynamicPass(graph, { perChannel: true, ops: ["MatMul", "Gemm"], reduceRange: false });
    validateGraph(pass.graph);
    const integer = pass.graph.nodes.filter((n) => n.opType === "MatMulInteger");
    expect(integer).toHaveLength(9);
    expect(new Set(integer.map((n) => n.inputs[1])).size).toBe(5);
    // attention's activation×activation MatMuls stay float and are listed
    expect(pass.layers.filter((l) => l.choice === "float").map((l) => l.reason)).toEqual(new Array(4).fill("no constant float32 weight (its inputs are computed at run time)"));
  });

  it("as a step: reports, and names bits other than 8", async () => {
    const out = await new Model(await fixture("mlp")).apply(dynamic({ latency: false }));
    expect(out.history[0]!.metrics.layersInt8).toBe(4);
    expect(() => dynamic({ bits: 4 as never })).toThrow(/bits must be 8 .* got 4; for 4-bit weights use quantize.weights/);
    expect(() => dynamic({ ops: ["Relu"] })).toThrow(/ops must be from \[MatMul, Gemm, Conv\], got "Relu"/);
  });

  it("reduceRange puts int8 weights on [-64, 64]; its default is this CPU's answer, and the recipe records it", async () => {
    const graph = await fixture("mlp");
    const weightRange = (g: typeof graph) => {
      const ints = g.nodes.filter((n) => n.opType === "MatMulInteger").flatMap((n) => Array.from(g.initializers.get(n.inputs[1]!)!.data as Int8Array));
      return [Math.min(...ints), Math.max(...ints)];
    };
    const [lo, hi] = weightRange(quantizeDynamicPass(graph, { perChannel: true, ops: ["Gemm"], reduceRange: true }).graph);
    expect(lo).toBeGreaterThanOrEqual(-64);
    expect(hi).toBeLessThanOrEqual(64);
    expect(Math.max(-lo, hi)).toBe(64); // per channel, each channel's largest |w| lands on the grid's end
    const full = weightRange(quantizeDynamicPass(graph, { perChannel: true, ops: ["Gemm"], reduceRange: false }).graph);
    expect(Math.max(-full[0]!, full[1]!)).toBe(127);
    expect(dynamic({}).toJSON()).toMatchObject({ reduceRange: int8PairsSaturate() });
    expect(dynamic({ reduceRange: false }).toJSON()).toMatchObject({ reduceRange: false });
    const result = await dynamic({ latency: false, reduceRange: true }).run(new Model(graph));
    expect(JSON.stringify(result.figures)).toContain("int8 weights on [-64, 64] (reduceRange)");
  });
});
