import { describe, expect, it } from "vitest";
import { GraphBuilder } from "./builder.js";
import { summarize } from "./counts.js";
import { float32, int64, makeTensor } from "./tensor.js";

const zeros = (dims: number[]) => float32(dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

function smallCnn() {
  const b = new GraphBuilder({ name: "cnn", opset: 13 });
  const x = b.input("x", "float32", ["N", 3, 32, 32]);
  const [c1] = b.node("Conv", [x, b.initializer("conv.w", zeros([16, 3, 3, 3])), b.initializer("conv.b", zeros([16]))], { pads: [1, 1, 1, 1] }, { name: "conv" });
  const bn = ["bn.scale", "bn.bias", "bn.mean", "bn.var"].map((n) => b.initializer(n, zeros([16])));
  const [n1] = b.node("BatchNormalization", [c1, ...bn], { epsilon: 1e-5 }, { name: "bn" });
  const [r1] = b.node("Relu", [n1]);
  const [dw] = b.node("Conv", [r1, b.initializer("dw.w", zeros([16, 1, 3, 3]))], { group: 16, pads: [1, 1, 1, 1], strides: [2, 2] }, { name: "dw" });
  const [p] = b.node("GlobalAveragePool", [dw]);
  const [f] = b.node("Reshape", [p, b.initializer("shape", int64([2], [0, -1]))]);
  const [y] = b.node("Gemm", [f, b.initializer("fc.w", zeros([10, 16])), b.initializer("fc.b", zeros([10]))], { transB: 1 }, { name: "fc" });
  b.output(y, "logits");
  return b.build();
}

describe("summarize", () => {
  it("counts weights (not BatchNorm running statistics or shape constants), bytes and MACs", () => {
    const s = summarize(smallCnn());
    // conv 16*3*3*3 + 16, bn scale+bias 32, depthwise 16*9, fc 160 + 10
    expect(s.params).toBe(432 + 16 + 32 + 144 + 170);
    // all initializers: params + bn mean/var (32 floats) + 2 int64
    expect(s.bytes).toBe((432 + 16 + 32 + 144 + 170 + 32) * 4 + 16);
    const conv = 16 * 32 * 32 * 3 * 9;
    const dw = 16 * 16 * 16 * 9;
    const fc = 10 * 16;
    expect(s.macs).toBe(conv + dw + fc);
    expect(summarize(smallCnn(), { batch: 8 }).macs).toBe(8 * (conv + dw + fc));
    expect(s.macsUnknown).toEqual([]);
    expect(s.opHistogram).toEqual({ Conv: 2, BatchNormalization: 1, Relu: 1, GlobalAveragePool: 1, Reshape: 1, Gemm: 1 });
    expect(s.opset).toBe(13);
    expect(s.inputs).toEqual([{ name: "x", dtype: "float32", shape: ["N", 3, 32, 32] }]);
    expect(s.outputs).toEqual([{ name: "logits", dtype: "float32", shape: ["N", 10] }]);
    expect(s.layers).toEqual([
      { name: "conv", opType: "Conv", params: 448, macs: conv, outputShape: ["N", 16, 32, 32] },
      { name: "bn", opType: "BatchNormalization", params: 32, macs: 0, outputShape: ["N", 16, 32, 32] },
      { name: "dw", opType: "Conv", params: 144, macs: dw, outputShape: ["N", 16, 16, 16] },
      { name: "fc", opType: "Gemm", params: 170, macs: fc, outputShape: ["N", 10] },
    ]);
  });

  it("counts MatMul (batched), ConvTranspose, LSTM and GRU", () => {
    const b = new GraphBuilder({ name: "mix", opset: 14 });
    const x = b.input("x", "float32", ["N", 7, 8]);
    const [lstm] = b.node("LSTM", [b.node("Transpose", [x], { perm: [1, 0, 2] })[0], b.initializer("W", zeros([1, 64, 8])), b.initializer("R", zeros([1, 64, 16]))], { hidden_size: 16 }, { name: "lstm" });
    const [gru] = b.node("GRU", [x, b.initializer("Wg", zeros([2, 48, 8])), b.initializer("Rg", zeros([2, 48, 16]))], { hidden_size: 16, layout: 1, direction: "bidirectional" }, { name: "gru" });
    const img = b.input("img", "float32", ["N", 4, 5, 5]);
    const [up] = b.node("ConvTranspose", [img, b.initializer("up.w", zeros([4, 2, 3, 3]))], { strides: [2, 2] }, { name: "up" });
    const [mm] = b.node("MatMul", [x, b.node("Transpose", [x], { perm: [0, 2, 1] })[0]], {}, { name: "mm" });
    [lstm, gru, up, mm].forEach((v) => b.output(v));
    const s = summarize(b.build(), { batch: 2 });
    const lstmMacs = 7 * 2 * 4 * 16 * (8 + 16);
    const gruMacs = 7 * 2 * 2 * 3 * 16 * (8 + 16);
    const upMacs = 2 * 4 * 25 * 2 * 9;
    const mmMacs = 2 * 7 * 7 * 8;
    expect(s.layers.map((l) => [l.name, l.macs])).toEqual([["lstm", lstmMacs], ["gru", gruMacs], ["up", upMacs]]);
    expect(s.macs).toBe(lstmMacs + gruMacs + upMacs + mmMacs);
  });

  it("lists MAC-counting nodes whose sizes are unknown instead of counting them as 0 silently", () => {
    const b = new GraphBuilder({ name: "seq", opset: 17 });
    const x = b.input("x", "float32", ["N", "T", 8]);
    const [y] = b.node("MatMul", [x, b.initializer("w", zeros([8, 4]))], {}, { name: "proj" });
    b.output(y);
    const s = summarize(b.build());
    expect(s.macsUnknown).toEqual(["proj"]);
    expect(s.macs).toBe(0);
    expect(s.params).toBe(32);
  });

  it("credits weights passed through Identity or DequantizeLinear to the layer that reads them, and counts quantized ops", () => {
    const b = new GraphBuilder({ name: "quantized", opset: 13 });
    const x = b.input("x", "float32", ["N", 8]);
    const scale = b.initializer("scale", float32([], [0.05]));
    const [shared] = b.node("Identity", [b.initializer("fc1.w", zeros([8, 6]))], {}, { name: "share" });
    const [h] = b.node("MatMul", [x, shared], {}, { name: "fc1" });
    const [w2] = b.node("DequantizeLinear", [b.initializer("fc2.w.q", makeTensor("int8", [6, 4], new Int8Array(24))), scale], {}, { name: "dq" });
    const [y] = b.node("MatMul", [h, w2], {}, { name: "fc2" });
    const u8 = (n: string) => b.initializer(n, makeTensor("uint8", [], Uint8Array.from([0])));
    const [q] = b.node("QuantizeLinear", [y, scale, u8("zp")]);
    const [z] = b.node("QLinearMatMul", [q, scale, "zp", b.initializer("fc3.w", makeTensor("uint8", [4, 2], new Uint8Array(8))), scale, u8("zp2"), scale, u8("zp3")], {}, { name: "fc3" });
    b.output(z);
    const s = summarize(b.build(), { batch: 2 });
    expect(s.layers).toEqual([
      { name: "fc1", opType: "MatMul", params: 48, macs: 2 * 6 * 8, outputShape: ["N", 6] },
      { name: "fc2", opType: "MatMul", params: 24, macs: 2 * 4 * 6, outputShape: ["N", 4] },
      { name: "fc3", opType: "QLinearMatMul", params: 8, macs: 2 * 2 * 4, outputShape: ["N", 2] },
    ]);
    expect(s.params).toBe(48 + 24 + 8);
    expect(s.macs).toBe(96 + 48 + 16);
    expect(s.macOps).toContain("QLinearMatMul");
  });
});
