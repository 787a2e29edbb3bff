// Rules beyond the brief's list: quantized ops, Einsum, TopK, OneHot and friends.
import { describe, expect, it } from "vitest";
import { GraphBuilder, attr, type AttributeInput } from "../builder.js";
import { float32, int64, makeTensor } from "../tensor.js";
import type { DType, Dim, Tensor } from "../types.js";

type Input = { shape: readonly Dim[]; dtype?: DType } | Tensor | undefined;

function infer(op: string, inputs: Input[], attrs: Record<string, AttributeInput> = {}, outputs = 1, opset = 17) {
  const b = new GraphBuilder({ name: op, opset });
  const names = inputs.map((input, i) => {
    if (input === undefined) return "";
    if ("data" in input) return b.initializer(`in${i}`, input);
    return b.input(`in${i}`, input.dtype ?? "float32", input.shape);
  });
  b.node(op, names, attrs, { outputs }).forEach((o) => b.output(o));
  return b.build().outputs.map((o) => [o.dtype, o.shape]);
}

const uint8 = (v: number) => makeTensor("uint8", [], Uint8Array.from([v]));
const scaleT = float32([], [0.1]);

describe("quantized ops", () => {
  it("QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear", () => {
    expect(infer("QuantizeLinear", [{ shape: ["N", 8] }, scaleT, uint8(128)])).toEqual([["uint8", ["N", 8]]]);
    expect(infer("QuantizeLinear", [{ shape: ["N", 8] }, scaleT, makeTensor("int8", [], Int8Array.from([0]))])).toEqual([["int8", ["N", 8]]]);
    expect(infer("DequantizeLinear", [makeTensor("int8", [4, 2], new Int8Array(8)), scaleT])).toEqual([["float32", [4, 2]]]);
    expect(infer("DynamicQuantizeLinear", [{ shape: ["N", 8] }], {}, 3)).toEqual([["uint8", ["N", 8]], ["float32", []], ["uint8", []]]);
  });
  it("integer Conv and MatMul forms", () => {
    const w = makeTensor("uint8", [4, 3, 3, 3], new Uint8Array(108));
    expect(infer("ConvInteger", [{ shape: ["N", 3, 8, 8], dtype: "uint8" }, w], { pads: [1, 1, 1, 1] })).toEqual([["int32", ["N", 4, 8, 8]]]);
    expect(infer("QLinearConv", [{ shape: ["N", 3, 8, 8], dtype: "uint8" }, scaleT, uint8(0), w, scaleT, uint8(0), scaleT, uint8(0)], { strides: [2, 2] })).toEqual([["uint8", ["N", 4, 3, 3]]]);
    const b = makeTensor("int8", [8, 5], new Int8Array(40));
    expect(infer("MatMulInteger", [{ shape: ["N", 8], dtype: "uint8" }, b])).toEqual([["int32", ["N", 5]]]);
    expect(infer("QLinearMatMul", [{ shape: ["N", 8], dtype: "uint8" }, scaleT, uint8(0), b, scaleT, makeTensor("int8", [], Int8Array.from([0])), scaleT, uint8(0)])).toEqual([["uint8", ["N", 5]]]);
  });
});

describe("GatherND, Compress and the loss ops", () => {
  const indices = (shape: readonly Dim[]) => ({ shape, dtype: "int64" as const });
  it("GatherND: indices' leading dims, then the data dims the tuples do not address", () => {
    expect(infer("GatherND", [{ shape: ["N", 4, 5] }, indices(["K", 2])])).toEqual([["float32", ["K", 5]]]);
    expect(infer("GatherND", [{ shape: ["N", 4, 5] }, indices(["N", 3, 1])], { batch_dims: 1 })).toEqual([["float32", ["N", 3, 5]]]);
    // An unknown tuple length leaves the rank unknown.
    expect(infer("GatherND", [{ shape: [2, 4] }, indices([3, null])])).toEqual([["float32", undefined]]);
  });
  it("Compress: the kept count is known only from a constant condition", () => {
    const condition = makeTensor("bool", [3], Uint8Array.from([1, 0, 1]));
    expect(infer("Compress", [{ shape: ["N", 3] }, condition], { axis: 1 })).toEqual([["float32", ["N", 2]]]);
    expect(infer("Compress", [{ shape: ["N", 3] }, { shape: [3], dtype: "bool" }], { axis: -1 })).toEqual([["float32", ["N", null]]]);
    expect(infer("Compress", [{ shape: [2, 3] }, condition])).toEqual([["float32", [2]]]);
  });
  it("losses: per element with reduction none, a scalar otherwise; SoftmaxCrossEntropyLoss's log_prob has the scores' shape", () => {
    const scores = { shape: ["N", 5, 7] as Dim[] };
    expect(infer("NegativeLogLikelihoodLoss", [scores, indices(["N", 7])], { reduction: "none" })).toEqual([["float32", ["N", 7]]]);
    expect(infer("NegativeLogLikelihoodLoss", [scores, indices(["N", 7])])).toEqual([["float32", []]]);
    expect(infer("SoftmaxCrossEntropyLoss", [scores, indices(["N", 7])], { reduction: "sum" }, 2)).toEqual([["float32", []], ["float32", ["N", 5, 7]]]);
    expect(() => infer("NegativeLogLikelihoodLoss", [scores, indices(["N", 5, 7])])).toThrow(/target \[N, …\] one rank lower/);
    expect(() => infer("GatherND", [{ shape: [2, 4] }, indices([3, 3])])).toThrow(/tuples of length 3/);
  });
});

describe("Einsum", () => {
  it("explicit, implicit and ellipsis equations", () => {
    expect(infer("Einsum", [{ shape: ["N", 4, 8] }, { shape: ["N", 8, 5] }], { equation: "bij,bjk->bik" })).toEqual([["float32", ["N", 4, 5]]]);
    expect(infer("Einsum", [{ shape: [3, 4] }, { shape: [4, 5] }], { equation: "ij,jk" })).toEqual([["float32", [3, 5]]]);
    expect(infer("Einsum", [{ shape: ["N", 2, 4, 8] }, { shape: [8, 6] }], { equation: "...ij,jk->...ik" })).toEqual([["float32", ["N", 2, 4, 6]]]);
    expect(infer("Einsum", [{ shape: [5, 5] }], { equation: "ii->i" })).toEqual([["float32", [5]]]);
  });
});

describe("indexing and layout extras", () => {
  it("TopK, OneHot, GatherElements, NonZero", () => {
    expect(infer("TopK", [{ shape: ["N", 10] }, int64([1], [3])], { axis: -1 }, 2)).toEqual([["float32", ["N", 3]], ["int64", ["N", 3]]]);
    expect(infer("OneHot", [{ shape: ["N"], dtype: "int64" }, int64([], [10]), float32([2], [0, 1])])).toEqual([["float32", ["N", 10]]]);
    expect(infer("GatherElements", [{ shape: ["N", 10] }, { shape: ["N", 2], dtype: "int64" }], { axis: 1 })).toEqual([["float32", ["N", 2]]]);
    expect(infer("NonZero", [{ shape: [3, 4] }])).toEqual([["int64", [2, null]]]);
  });
  it("DepthToSpace and SpaceToDepth", () => {
    expect(infer("DepthToSpace", [{ shape: ["N", 16, 4, 4] }], { blocksize: 2 })).toEqual([["float32", ["N", 4, 8, 8]]]);
    expect(infer("SpaceToDepth", [{ shape: ["N", 4, 8, 8] }], { blocksize: 2 })).toEqual([["float32", ["N", 16, 4, 4]]]);
  });
  it("Upsample before opset 9 (scales attribute) and after (scales input)", () => {
    expect(infer("Upsample", [{ shape: ["N", 3, 4, 5] }], { scales: [1, 1, 2, 1.5] }, 1, 7)).toEqual([["float32", ["N", 3, 8, 7]]]);
    expect(infer("Upsample", [{ shape: ["N", 3, 4, 5] }], { scales: attr.ints([1, 1, 2, 2]) }, 1, 7)).toEqual([["float32", ["N", 3, 8, 10]]]);
    expect(infer("Upsample", [{ shape: ["N", 3, 4, 5] }, float32([4], [1, 1, 2, 1.5])], {}, 1, 9)).toEqual([["float32", ["N", 3, 8, 7]]]);
  });
  it("CastLike and random-like ops", () => {
    expect(infer("CastLike", [{ shape: [2, 3] }, makeTensor("int32", [], Int32Array.from([0]))])).toEqual([["int32", [2, 3]]]);
    expect(infer("RandomUniformLike", [{ shape: ["N", 3] }], { dtype: 11 })).toEqual([["float64", ["N", 3]]]);
  });
});
