// The quantized ops on the tfjs runtime (dequantized math) against
// onnxruntime's integer kernels: QDQ, DynamicQuantizeLinear, the integer
// matrix ops, the com.microsoft QLinear ops and MatMulNBits. Integer outputs
// may differ by one code where onnxruntime's fixed-point requantization rounds
// a tie the other way; float outputs agree to float rounding.
//
// int8 weights that meet uint8 activations are drawn from [-64, 64] where
// compared with onnxruntime: on x86 CPUs without VNNI its uint8×int8 kernels
// add product pairs in saturating int16 (int8PairsSaturate in
// core/cpu-features.ts), so full-range weights give clipped sums there — the
// reason quantize.static/dynamic use that range on such CPUs. Full-range
// weights are checked against exact integer arithmetic instead.
import { describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32, makeTensor } from "../../../graph/tensor.js";
import type { DType, Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { tf } from "../tf.js";
import { compile } from "../compile.js";

function randomFloats(dims: number[], seed: number, scale = 1): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale));
}

function randomInts<D extends "int8" | "uint8" | "int32">(dtype: D, dims: number[], seed: number, lo: number, hi: number): Tensor<D> {
  const next = seededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => lo + Math.floor(next() * (hi - lo + 1)));
  const data = dtype === "int8" ? Int8Array.from(values) : dtype === "uint8" ? Uint8Array.from(values) : Int32Array.from(values);
  return makeTensor(dtype, dims, data as never);
}

const scalar = (dtype: DType, v: number) => makeTensor(dtype, [], (dtype === "float32" ? Float32Array.of(v) : dtype === "int8" ? Int8Array.of(v) : Uint8Array.of(v)) as never);
const MS = { domain: "com.microsoft" };

describe("QDQ on the tfjs runtime matches onnxruntime", () => {
  it("QuantizeLinear → DequantizeLinear per tensor, uint8 and int8", async () => {
    const b = new GraphBuilder({ name: "qdq", opset: 13 });
    const x = b.input("x", "float32", [4, 33]);
    const s = b.initializer("s", scalar("float32", 0.013));
    for (const [dtype, zp] of [["uint8", 131], ["int8", -3]] as const) {
      const z = b.initializer(`z_${dtype}`, scalar(dtype, zp));
      const [q] = b.node("QuantizeLinear", [x, s, z]);
      const [dq] = b.node("DequantizeLinear", [q!, s, z]);
      b.output(q!, `q_${dtype}`);
      b.output(dq!, `dq_${dtype}`);
    }
    await expectMatchesOrt(b.build(), { x: randomFloats([4, 33], 1, 2) }, { atol: 1e-6 });
  });

  it("per-channel QuantizeLinear on a channels-last activation (after a Conv), and per-channel int8 weights", async () => {
    const b = new GraphBuilder({ name: "qdq_axis", opset: 13 });
    const x = b.input("x", "float32", [2, 3, 8, 8]);
    const w = b.initializer("w", randomInts("int8", [5, 3, 3, 3], 2, -127, 127));
    const ws = b.initializer("ws", float32([5], [0.01, 0.02, 0.005, 0.03, 0.015]));
    const wz = b.initializer("wz", makeTensor("int8", [5], new Int8Array(5)));
    const [wf] = b.node("DequantizeLinear", [w, ws, wz], { axis: 0 });
    const [y] = b.node("Conv", [x, wf!], { pads: [1, 1, 1, 1] });
    const ys = b.initializer("ys", float32([5], [0.05, 0.04, 0.03, 0.02, 0.06]));
    const yz = b.initializer("yz", makeTensor("uint8", [5], Uint8Array.from([128, 100, 90, 140, 128])));
    const [q] = b.node("QuantizeLinear", [y!, ys, yz], { axis: 1 });
    const [dq] = b.node("DequantizeLinear", [q!, ys, yz], { axis: 1 });
    const [out] = b.node("Relu", [dq!]);
    b.output(out!, "out");
    b.output(q!, "q");
    await expectMatchesOrt(b.build(), { x: randomFloats([2, 3, 8, 8], 3) }, { atol: 1 });
  });

  // The dequantized weight is an output too: otherwise onnxruntime fuses DQ + MatMul into
  // MatMulNBits, which quantizes the activations to int8 (a 3.5e-3 relative difference here).
  it("blocked int4 DequantizeLinear (opset 21) feeding a MatMul", async () => {
    const b = new GraphBuilder({ name: "dq_int4_blocked", opset: 21 });
    const x = b.input("x", "float32", [3, 64]);
    const next = seededRandom(4);
    const w = b.initializer("w", makeTensor("int4", [64, 10], Int8Array.from({ length: 640 }, () => Math.floor(next() * 16) - 8)));
    const s = b.initializer("s", randomFloats([2, 10], 5, 0.05));
    const [wf] = b.node("DequantizeLinear", [w, s], { axis: 0, block_size: 32 });
    const [y] = b.node("MatMul", [x, wf!]);
    b.output(wf!, "w_float");
    b.output(y!, "y");
    await expectMatchesOrt(b.build(), { x: randomFloats([3, 64], 6) });
  });

  it("DynamicQuantizeLinear", async () => {
    const b = new GraphBuilder({ name: "dql", opset: 13 });
    const x = b.input("x", "float32", [5, 17]);
    const [y, s, z] = b.node("DynamicQuantizeLinear", [x], {}, { outputs: 3 });
    b.output(y!, "y");
    b.output(s!, "s");
    b.output(z!, "z");
    await expectMatchesOrt(b.build(), { x: randomFloats([5, 17], 7, 3) }, { atol: 1 });
  });

  it("trains through Q→DQ with the straight-through estimator: gradient 1 inside the grid's range, 0 outside", async () => {
    const b = new GraphBuilder({ name: "ste", opset: 13 });
    const x = b.input("x", "float32", [6]);
    const s = b.initializer("s", scalar("float32", 0.1));
    const z = b.initializer("z", scalar("int8", 0));
    const [q] = b.node("QuantizeLinear", [x, s, z]);
    b.output(b.node("DequantizeLinear", [q!, s, z])[0]!, "y");
    const compiled = await compile(b.build(), { backend: "wasm", trainable: () => false });
    try {
      const input = tf.tensor1d([0.04, -0.26, 3.3, 12.69, 12.71, -12.9]);
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => tf.sum(compiled.forward({ x: t }, { training: true }).y!))(input);
      // 12.71 / 0.1 rounds to 127, inside; 12.9 saturates at −128·0.1 = −12.8.
      expect(Array.from(await grad.data())).toEqual([1, 1, 1, 1, 1, 0]);
      const forward = compiled.forward({ x: input }, { training: false }).y!;
      expect(Array.from(await forward.data()).map((v) => Math.round(v * 10))).toEqual([0, -3, 33, 127, 127, -128]);
      expect((await value.data())[0]).toBeCloseTo(0 - 0.3 + 3.3 + 12.7 + 12.7 - 12.8, 4);
    } finally {
      compiled.dispose();
    }
  });
});

describe("integer matrix ops on the tfjs runtime match onnxruntime", () => {
  it("MatMulInteger with zero points, and ConvInteger", async () => {
    const b = new GraphBuilder({ name: "integer", opset: 13 });
    const a = b.input("a", "uint8", [4, 24]);
    const w = b.initializer("w", randomInts("int8", [24, 7], 8, -64, 64));
    const az = b.initializer("az", scalar("uint8", 121));
    b.output(b.node("MatMulInteger", [a, w, az])[0]!, "y");
    const x = b.input("x", "uint8", [1, 2, 6, 6]);
    const cw = b.initializer("cw", randomInts("uint8", [3, 2, 3, 3], 9, 0, 255));
    const xz = b.initializer("xz", scalar("uint8", 128));
    const wz = b.initializer("wz", scalar("uint8", 127));
    b.output(b.node("ConvInteger", [x, cw, xz, wz], { strides: [2, 2], pads: [1, 1, 1, 1] })[0]!, "c");
    await expectMatchesOrt(b.build(), { a: randomInts("uint8", [4, 24], 10, 0, 255), x: randomInts("uint8", [1, 2, 6, 6], 11, 0, 255) }, { rtol: 0 , atol: 0 });
  });

  it("QLinearMatMul and QLinearConv (per-channel weights, int32 bias)", async () => {
    const b = new GraphBuilder({ name: "qlinear", opset: 13 });
    const a = b.input("a", "uint8", [3, 16]);
    const [mm] = b.node("QLinearMatMul", [
      a, b.initializer("as", scalar("float32", 0.02)), b.initializer("az", scalar("uint8", 128)),
      b.initializer("b", randomInts("int8", [16, 5], 12, -64, 64)), b.initializer("bs", scalar("float32", 0.01)), b.initializer("bz", scalar("int8", 0)),
      b.initializer("ys", scalar("float32", 0.03)), b.initializer("yz", scalar("uint8", 120)),
    ]);
    b.output(mm!, "mm");
    const x = b.input("x", "uint8", [2, 3, 7, 7]);
    const [c] = b.node("QLinearConv", [
      x, b.initializer("xs", scalar("float32", 0.015)), b.initializer("xz", scalar("uint8", 130)),
      b.initializer("w", randomInts("int8", [4, 3, 3, 3], 13, -64, 64)), b.initializer("ws", float32([4], [0.004, 0.006, 0.003, 0.005])), b.initializer("wz", makeTensor("int8", [4], new Int8Array(4))),
      b.initializer("cs", scalar("float32", 0.05)), b.initializer("cz", scalar("uint8", 110)),
      b.initializer("bias", randomInts("int32", [4], 14, -2000, 2000)),
    ], { pads: [1, 1, 1, 1], strides: [1, 2] });
    b.output(c!, "conv");
    await expectMatchesOrt(b.build(), { a: randomInts("uint8", [3, 16], 15, 0, 255), x: randomInts("uint8", [2, 3, 7, 7], 16, 0, 255) }, { atol: 1 });
  });

  it("com.microsoft QLinearAdd, QLinearMul, QLinearSigmoid, QLinearLeakyRelu, QLinearConcat, pools and QGemm", async () => {
    const b = new GraphBuilder({ name: "qlinear_contrib", opset: 13, opsets: { "com.microsoft": 1 } });
    const x = b.input("x", "uint8", [2, 4, 5, 5]);
    const xs = b.initializer("xs", scalar("float32", 0.02));
    const xz = b.initializer("xz", scalar("uint8", 128));
    const k = b.initializer("k", randomInts("uint8", [1, 4, 1, 1], 17, 0, 255));
    const ks = b.initializer("ks", scalar("float32", 0.01));
    const kz = b.initializer("kz", scalar("uint8", 100));
    const ys = b.initializer("ys", scalar("float32", 0.03));
    const yz = b.initializer("yz", scalar("uint8", 125));
    b.output(b.node("QLinearAdd", [x, xs, xz, k, ks, kz, ys, yz], {}, MS)[0]!, "add");
    b.output(b.node("QLinearMul", [x, xs, xz, k, ks, kz, ys, yz], {}, MS)[0]!, "mul");
    b.output(b.node("QLinearSigmoid", [x, xs, xz, b.initializer("ss", scalar("float32", 1 / 255)), b.initializer("sz", scalar("uint8", 0))], {}, MS)[0]!, "sigmoid");
    b.output(b.node("QLinearLeakyRelu", [x, xs, xz, ys, yz], { alpha: 0.1 }, MS)[0]!, "leaky");
    b.output(b.node("QLinearConcat", [ys, yz, x, xs, xz, x, ks, kz], { axis: 1 }, MS)[0]!, "concat");
    b.output(b.node("QLinearGlobalAveragePool", [x, xs, xz, ys, yz], {}, MS)[0]!, "gap");
    b.output(b.node("QLinearAveragePool", [x, xs, xz, ys, yz], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, MS)[0]!, "avgpool");
    const a = b.input("a", "uint8", [3, 12]);
    const gb = b.initializer("gb", randomInts("int8", [6, 12], 18, -64, 64));
    const gbs = b.initializer("gbs", float32([6], [0.01, 0.02, 0.015, 0.01, 0.005, 0.012]));
    const gbz = b.initializer("gbz", makeTensor("int8", [6], new Int8Array(6)));
    const gc = b.initializer("gc", randomInts("int32", [6], 19, -500, 500));
    b.output(b.node("QGemm", [a, xs, xz, gb, gbs, gbz, gc, ys, yz], { transB: 1, alpha: 1 }, MS)[0]!, "qgemm");
    b.output(b.node("QGemm", [a, xs, xz, gb, gbs, gbz, gc], { transB: 1, alpha: 0.5 }, MS)[0]!, "qgemm_float");
    await expectMatchesOrt(b.build(), { x: randomInts("uint8", [2, 4, 5, 5], 20, 0, 255), a: randomInts("uint8", [3, 12], 21, 0, 255) }, { atol: 1 });
  });

  it("MatMulInteger with full-range int8 weights gives the exact integer product (where onnxruntime may saturate)", async () => {
    const [m, k, n] = [5, 32, 9];
    const b = new GraphBuilder({ name: "integer_full_range", opset: 13 });
    const a = b.input("a", "uint8", [m, k]);
    const w = randomInts("int8", [k, n], 27, -127, 127);
    const az = 3;
    b.output(b.node("MatMulInteger", [a, b.initializer("w", w), b.initializer("az", scalar("uint8", az))])[0]!, "y");
    const feed = randomInts("uint8", [m, k], 28, 200, 255); // large activations: the pairs that saturate int16
    const compiled = await compile(b.build(), { backend: "wasm", trainable: () => false });
    try {
      const input = tf.tensor(Int32Array.from(feed.data), [m, k], "int32");
      const got = Array.from(await compiled.forward({ a: input }, { training: false }).y!.data());
      const want: number[] = [];
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let t = 0; t < k; t++) sum += (feed.data[i * k + t]! - az) * w.data[t * n + j]!;
          want.push(sum);
        }
      expect(got).toEqual(want);
      // Some adjacent pair of products leaves int16, so a saturating kernel would be off here.
      let pairMax = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          for (let t = 0; t + 1 < k; t += 2) pairMax = Math.max(pairMax, Math.abs((feed.data[i * k + t]! - az) * w.data[t * n + j]! + (feed.data[i * k + t + 1]! - az) * w.data[(t + 1) * n + j]!));
      expect(pairMax).toBeGreaterThan(32_767);
      input.dispose();
    } finally {
      compiled.dispose();
    }
  });

  it("MatMulNBits: 4-bit blocks with packed zero points and without, with a bias", async () => {
    const b = new GraphBuilder({ name: "nbits", opset: 17, opsets: { "com.microsoft": 1 } });
    const x = b.input("x", "float32", [2, 3, 40]);
    const [n, k, block] = [6, 40, 16];
    const blocks = Math.ceil(k / block);
    const blob = b.initializer("blob", randomInts("uint8", [n, blocks, block / 2], 22, 0, 255));
    const scales = b.initializer("scales", randomFloats([n * blocks], 23, 0.05));
    const zps = b.initializer("zps", randomInts("uint8", [n * Math.ceil(blocks / 2)], 24, 0, 255));
    const bias = b.initializer("bias", randomFloats([n], 25));
    const attrs = { K: k, N: n, bits: 4, block_size: block };
    b.output(b.node("MatMulNBits", [x, blob, scales, zps], attrs, MS)[0]!, "with_zero_points");
    b.output(b.node("MatMulNBits", [x, blob, scales, "", "", bias], attrs, MS)[0]!, "symmetric_bias");
    await expectMatchesOrt(b.build(), { x: randomFloats([2, 3, 40], 26) });
  });
});
