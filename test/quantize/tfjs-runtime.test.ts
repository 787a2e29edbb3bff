// Quantized models on the tfjs runtime agree with onnxruntime (issue 12 item 6):
// what quantize.static/dynamic/weights write (QDQ, DynamicQuantizeLinear +
// MatMulInteger/ConvInteger, blocked int4 DequantizeLinear, MatMulNBits) and
// what onnxruntime's own QDQ fusions turn a static model into (QLinearConv,
// QLinearAdd, QGemm, QLinearGlobalAveragePool), so a quantized model can be
// evaluated, compared and distilled without onnxruntime.
// onnxruntime runs integer kernels and requantizes each layer in fixed point;
// tfjs computes the same grids in float, so a few activations land one code
// apart: outputs agree within a few quantization steps, not to float rounding.
import { describe, expect, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx/index.js";
import type { Graph } from "../../src/graph/types.js";
import { Model } from "../../src/model/model.js";
import { lenet5, mlp } from "../../src/models/zoo.js";
import { ortOptimizedGraph } from "../../src/runtime/ort.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { dynamic } from "../../src/compress/quantize/dynamic.js";
import { staticQuantize } from "../../src/compress/quantize/static.js";
import { weights } from "../../src/compress/quantize/weights.js";
import { expectMatchesOrt } from "../helpers/expect-matches-ort.js";

const fixture = (name: string) => readOnnx(`test/fixtures/models/${name}.onnx`);
const opTypes = (graph: Graph) => new Set(graph.nodes.map((n) => n.opType));
const quiet = { latency: false } as const;

describe("quantized models: tfjs runtime vs onnxruntime", () => {
  it("static int8 QDQ (residual CNN): the QDQ graph, and onnxruntime's fused QLinear graph of it", async () => {
    const graph = await fixture("residual_cnn");
    const out = await new Model(graph).apply(staticQuantize({ calibration: randomInputs(graph, { seed: 1, batch: 32 }), latencyAware: false, ...quiet }));
    const feeds = randomInputs(graph, { seed: 2, batch: 4 });
    await expectMatchesOrt(out.graph, feeds, { rtol: 0.03 });
    const fused = await ortOptimizedGraph(out.graph, "extended");
    expect([...opTypes(fused)]).toEqual(expect.arrayContaining(["QLinearConv", "QLinearAdd", "QGemm"]));
    await expectMatchesOrt(fused, feeds, { rtol: 0.03 });
  });

  it("static int8 LeNet-5 (Relu fused into uint8 grids, pools on the integers)", async () => {
    const graph = lenet5({ seed: 3 });
    const out = await new Model(graph).apply(staticQuantize({ calibration: randomInputs(graph, { seed: 4, batch: 32 }), latencyAware: false, ...quiet }));
    await expectMatchesOrt(out.graph, randomInputs(graph, { seed: 5, batch: 8 }), { rtol: 0.03 });
  });

  it("dynamic int8 (DynamicQuantizeLinear + MatMulInteger) on an MLP, and ConvInteger on a CNN", async () => {
    const net = mlp([784, 64, 32, 10], { seed: 6 });
    const out = await new Model(net).apply(dynamic({ ...quiet }));
    expect(opTypes(out.graph)).toContain("MatMulInteger");
    await expectMatchesOrt(out.graph, randomInputs(net, { seed: 7, batch: 8 }), { rtol: 1e-3 });
    const cnn = lenet5({ seed: 8 });
    const conv = await new Model(cnn).apply(dynamic({ ops: ["Conv", "Gemm", "MatMul"], ...quiet }));
    expect(opTypes(conv.graph)).toContain("ConvInteger");
    await expectMatchesOrt(conv.graph, randomInputs(cnn, { seed: 9, batch: 4 }), { rtol: 1e-3 });
  });

  it("weight-only int4: blocked DequantizeLinear (opset 21) and MatMulNBits", async () => {
    const net = mlp([784, 64, 10], { seed: 10 });
    const feeds = randomInputs(net, { seed: 11, batch: 4 });
    const qdq = await new Model(net).apply(weights({ bits: 4, blockSize: 32, format: "qdq", ...quiet }));
    expect(opTypes(qdq.graph)).toContain("DequantizeLinear");
    // onnxruntime fuses DQ(int4) + MatMul into MatMulNBits and may run it on int8 activations.
    await expectMatchesOrt(qdq.graph, feeds, { rtol: 0.01 });
    const nbits = await new Model(net).apply(weights({ bits: 4, blockSize: 32, format: "matmulnbits", ...quiet }));
    expect(opTypes(nbits.graph)).toContain("MatMulNBits");
    await expectMatchesOrt(nbits.graph, feeds, { rtol: 0.01 });
  });
});
