// Shape rules op by op, each on a graph made with GraphBuilder.
import { describe, expect, it } from "vitest";
import { ShapeError } from "../../core/errors.js";
import { GraphBuilder, attr, type AttributeInput } from "../builder.js";
import { float32, int64, makeTensor } from "../tensor.js";
import type { DType, Dim, Tensor } from "../types.js";
import { inferShapesWithReport } from "./index.js";

interface Case {
  op: string;
  inputs: (readonly Dim[] | Tensor | undefined)[];
  attrs?: Record<string, AttributeInput>;
  opset?: number;
  outputs?: number;
  dtype?: DType;
}

/** Output shapes (and dtypes) of one node whose array inputs are graph inputs and Tensor inputs initializers. */
function infer(c: Case): { shape: readonly Dim[] | undefined; dtype: DType }[] {
  const b = new GraphBuilder({ name: c.op, opset: c.opset ?? 17 });
  const names = c.inputs.map((input, i) => {
    if (input === undefined) return "";
    if (Array.isArray(input)) return b.input(`in${i}`, c.dtype ?? "float32", input as Dim[]);
    return b.initializer(`in${i}`, input as Tensor);
  });
  const outs = b.node(c.op, names, c.attrs ?? {}, { outputs: c.outputs ?? 1 });
  outs.forEach((o) => b.output(o));
  const g = b.build();
  return g.outputs.map((o) => ({ shape: o.shape, dtype: o.dtype }));
}
const shape = (c: Case): readonly Dim[] | undefined => infer(c)[0].shape;
const w = (dims: number[]): Tensor => float32(dims, new Array(dims.reduce((a, b) => a * b, 1)).fill(0.1));
const ints = (values: number[]): Tensor => int64([values.length], values);

describe("Conv", () => {
  it("pads, strides, dilations and symbolic batch", () => {
    expect(shape({ op: "Conv", inputs: [["N", 3, 32, 32], w([16, 3, 3, 3])], attrs: { pads: [1, 1, 1, 1] } })).toEqual(["N", 16, 32, 32]);
    expect(shape({ op: "Conv", inputs: [["N", 3, 32, 32], w([16, 3, 3, 3])], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } })).toEqual(["N", 16, 16, 16]);
    expect(shape({ op: "Conv", inputs: [[1, 3, 32, 32], w([8, 3, 3, 3])], attrs: { dilations: [2, 2] } })).toEqual([1, 8, 28, 28]);
    expect(shape({ op: "Conv", inputs: [[1, 3, 7, 9], w([8, 3, 3, 3])], attrs: { strides: [2, 3], pads: [0, 1, 2, 1] } })).toEqual([1, 8, 4, 3]);
  });
  it("groups (depthwise) and 1-D", () => {
    expect(shape({ op: "Conv", inputs: [[2, 32, 10, 10], w([32, 1, 3, 3])], attrs: { group: 32, pads: [1, 1, 1, 1] } })).toEqual([2, 32, 10, 10]);
    expect(shape({ op: "Conv", inputs: [[2, 4, 50], w([6, 4, 5])] })).toEqual([2, 6, 46]);
  });
  it("auto_pad SAME_UPPER, SAME_LOWER, VALID", () => {
    for (const autoPad of ["SAME_UPPER", "SAME_LOWER"]) {
      expect(shape({ op: "Conv", inputs: [[1, 3, 15, 15], w([4, 3, 3, 3])], attrs: { auto_pad: autoPad, strides: [2, 2] } })).toEqual([1, 4, 8, 8]);
    }
    expect(shape({ op: "Conv", inputs: [[1, 3, 15, 15], w([4, 3, 3, 3])], attrs: { auto_pad: "VALID", strides: [2, 2] } })).toEqual([1, 4, 7, 7]);
  });
  it("reports weights that do not fit the input's channels (a pruning bug)", () => {
    expect(() => shape({ op: "Conv", inputs: [["N", 3, 8, 8], w([4, 2, 3, 3])] })).toThrow(/input has 3 channels but the weight \[4, 2, 3, 3\] with group 1 expects 2/);
    expect(() => shape({ op: "Conv", inputs: [["N", 8, 8, 8], w([8, 1, 3, 3])], attrs: { group: 4 } })).toThrow(/expects 4/);
    expect(() => shape({ op: "ConvTranspose", inputs: [["N", 3, 8, 8], w([4, 2, 3, 3])] })).toThrow(/input has 3 channels/);
    expect(() => shape({ op: "BatchNormalization", inputs: [["N", 3, 5, 5], w([3]), w([3]), w([4]), w([3])] })).toThrow(/input 3 holds 4 values/);
  });
  it("unknown spatial sizes stay unknown unless the window keeps them", () => {
    expect(shape({ op: "Conv", inputs: [["N", 3, "H", "W"], w([4, 3, 3, 3])], attrs: { pads: [1, 1, 1, 1] } })).toEqual(["N", 4, "H", "W"]);
    expect(shape({ op: "Conv", inputs: [["N", 3, "H", "W"], w([4, 3, 3, 3])] })).toEqual(["N", 4, null, null]);
  });
});

describe("ConvTranspose", () => {
  it("strides, pads and output_padding", () => {
    expect(shape({ op: "ConvTranspose", inputs: [[1, 8, 5, 5], w([8, 4, 3, 3])], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } })).toEqual([1, 4, 10, 10]);
    expect(shape({ op: "ConvTranspose", inputs: [[1, 8, 5, 5], w([8, 2, 3, 3])], attrs: { group: 2 } })).toEqual([1, 4, 7, 7]);
  });
  it("output_shape wins", () => {
    expect(shape({ op: "ConvTranspose", inputs: [["N", 8, 5, 5], w([8, 4, 3, 3])], attrs: { strides: [2, 2], output_shape: [11, 11] } })).toEqual(["N", 4, 11, 11]);
  });
});

describe("pools", () => {
  it("MaxPool floor and ceil_mode", () => {
    expect(shape({ op: "MaxPool", inputs: [["N", 64, 112, 112]], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } })).toEqual(["N", 64, 56, 56]);
    expect(shape({ op: "MaxPool", inputs: [[1, 1, 6, 6]], attrs: { kernel_shape: [3, 3], strides: [2, 2] } })).toEqual([1, 1, 2, 2]);
    expect(shape({ op: "MaxPool", inputs: [[1, 1, 6, 6]], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } })).toEqual([1, 1, 3, 3]);
    // ceil_mode: the last window would start in the right padding only, so it is dropped (PyTorch's rule).
    expect(shape({ op: "MaxPool", inputs: [[1, 1, 5, 5]], attrs: { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } })).toEqual([1, 1, 3, 3]);
  });
  it("MaxPool indices output is int64", () => {
    const [y, idx] = infer({ op: "MaxPool", inputs: [[1, 2, 4, 4]], attrs: { kernel_shape: [2, 2], strides: [2, 2] }, outputs: 2 });
    expect(y).toEqual({ shape: [1, 2, 2, 2], dtype: "float32" });
    expect(idx).toEqual({ shape: [1, 2, 2, 2], dtype: "int64" });
  });
  it("AveragePool, global pools", () => {
    expect(shape({ op: "AveragePool", inputs: [[1, 3, 7, 7]], attrs: { kernel_shape: [7, 7] } })).toEqual([1, 3, 1, 1]);
    expect(shape({ op: "GlobalAveragePool", inputs: [["N", 512, 7, 7]] })).toEqual(["N", 512, 1, 1]);
    expect(shape({ op: "GlobalMaxPool", inputs: [["N", 8, 3]] })).toEqual(["N", 8, 1]);
  });
});

describe("elementwise", () => {
  it("unary ops keep the shape", () => {
    for (const op of ["Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Softmax", "LogSoftmax", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Softplus", "Identity", "Clip"]) {
      expect(shape({ op, inputs: [["N", 3, 5]], opset: 20 }), op).toEqual(["N", 3, 5]);
    }
    expect(shape({ op: "PRelu", inputs: [["N", 3, 5, 5], w([3, 1, 1])] })).toEqual(["N", 3, 5, 5]);
    expect(shape({ op: "BatchNormalization", inputs: [["N", 3, 5, 5], w([3]), w([3]), w([3]), w([3])] })).toEqual(["N", 3, 5, 5]);
  });
  it("binary ops broadcast", () => {
    for (const op of ["Add", "Sub", "Mul", "Div", "Pow"]) {
      expect(shape({ op, inputs: [["N", 3, 1, 5], [4, 1]] }), op).toEqual(["N", 3, 4, 5]);
    }
    expect(shape({ op: "Min", inputs: [[3, 1], [1, 4], [4]] })).toEqual([3, 4]);
    expect(shape({ op: "Max", inputs: [[2, 3], [3]] })).toEqual([2, 3]);
    expect(shape({ op: "Sum", inputs: [[2, 3], [2, 3], [1]] })).toEqual([2, 3]);
    expect(shape({ op: "Mean", inputs: [[2, 3], ["N", 2, 1]] })).toEqual(["N", 2, 3]);
  });
  it("comparisons and logic give bool; Where broadcasts its three inputs", () => {
    for (const op of ["Equal", "Less", "Greater"]) expect(infer({ op, inputs: [["N", 4], [4]] })[0]).toEqual({ shape: ["N", 4], dtype: "bool" });
    expect(infer({ op: "Not", inputs: [[3]], dtype: "bool" })[0]).toEqual({ shape: [3], dtype: "bool" });
    const b = new GraphBuilder({ name: "where", opset: 17 });
    const c = b.input("c", "bool", [1, 4]);
    const x = b.input("x", "float32", ["N", 1]);
    const y = b.input("y", "float32", [4]);
    b.output(b.node("Where", [c, x, y])[0]);
    expect(b.build().outputs[0]).toMatchObject({ shape: ["N", 4], dtype: "float32" });
  });
  it("Cast sets the dtype; Dropout's mask is bool", () => {
    expect(infer({ op: "Cast", inputs: [[2, 3]], attrs: { to: 7 } })[0]).toEqual({ shape: [2, 3], dtype: "int64" });
    const [y, mask] = infer({ op: "Dropout", inputs: [["N", 8]], outputs: 2 });
    expect(y).toEqual({ shape: ["N", 8], dtype: "float32" });
    expect(mask).toEqual({ shape: ["N", 8], dtype: "bool" });
  });
  it("lists dims that cannot broadcast as a ShapeError", () => {
    expect(() => infer({ op: "Add", inputs: [[2, 3], [4]] })).toThrow(ShapeError);
    expect(() => infer({ op: "Add", inputs: [[2, 3], [4]] })).toThrow(/cannot broadcast \[2, 3\] with \[4\]/);
  });
});

describe("matrix products", () => {
  it("Gemm with transposes", () => {
    expect(shape({ op: "Gemm", inputs: [["N", 784], w([300, 784]), w([300])], attrs: { transB: 1 } })).toEqual(["N", 300]);
    expect(shape({ op: "Gemm", inputs: [[784, "N"], w([784, 300])], attrs: { transA: 1 } })).toEqual(["N", 300]);
    expect(() => shape({ op: "Gemm", inputs: [["N", 784], w([300, 700])], attrs: { transB: 1 } })).toThrow(/inner dimensions differ/);
  });
  it("MatMul batched and 1-D", () => {
    expect(shape({ op: "MatMul", inputs: [["N", 8, 16, 32], [1, 8, 32, 16]] })).toEqual(["N", 8, 16, 16]);
    expect(shape({ op: "MatMul", inputs: [["N", 10, 64], w([64, 128])] })).toEqual(["N", 10, 128]);
    expect(shape({ op: "MatMul", inputs: [[64], w([64, 128])] })).toEqual([128]);
    expect(shape({ op: "MatMul", inputs: [["N", 5, 64], w([64])] })).toEqual(["N", 5]);
    expect(shape({ op: "MatMul", inputs: [[64], w([64])] })).toEqual([]);
  });
});

describe("reductions", () => {
  it("axes as attribute before opset 18", () => {
    expect(shape({ op: "ReduceMean", inputs: [["N", 3, 4, 5]], attrs: { axes: [2, 3] }, opset: 13 })).toEqual(["N", 3, 1, 1]);
    expect(shape({ op: "ReduceMax", inputs: [["N", 3, 4]], attrs: { axes: [-1], keepdims: 0 }, opset: 13 })).toEqual(["N", 3]);
    expect(shape({ op: "ReduceSum", inputs: [["N", 3, 4]], attrs: { axes: [1] }, opset: 11 })).toEqual(["N", 1, 4]);
    expect(shape({ op: "ReduceMin", inputs: [[2, 3]], attrs: { keepdims: 0 }, opset: 13 })).toEqual([]);
  });
  it("axes as input from opset 18 (ReduceSum from 13)", () => {
    expect(shape({ op: "ReduceSum", inputs: [["N", 3, 4], ints([1])], attrs: { keepdims: 0 }, opset: 13 })).toEqual(["N", 4]);
    expect(shape({ op: "ReduceMean", inputs: [["N", 3, 4], ints([-1])], opset: 18 })).toEqual(["N", 3, 1]);
    expect(shape({ op: "ReduceL2", inputs: [["N", 3, 4], ints([0, 2])], attrs: { keepdims: 0 }, opset: 18 })).toEqual([3]);
    expect(shape({ op: "ReduceMax", inputs: [["N", 3, 4], undefined], attrs: { noop_with_empty_axes: 1 }, opset: 18 })).toEqual(["N", 3, 4]);
    expect(shape({ op: "ReduceL2", inputs: [["N", 3, 4]], attrs: { axes: [2] }, opset: 13 })).toEqual(["N", 3, 1]);
  });
  it("ArgMax gives int64", () => {
    expect(infer({ op: "ArgMax", inputs: [["N", 10]], attrs: { axis: 1, keepdims: 0 } })[0]).toEqual({ shape: ["N"], dtype: "int64" });
  });
});

describe("shape manipulation", () => {
  it("Flatten", () => {
    expect(shape({ op: "Flatten", inputs: [["N", 512, 1, 1]] })).toEqual(["N", 512]);
    expect(shape({ op: "Flatten", inputs: [[2, 3, 4]], attrs: { axis: 0 } })).toEqual([1, 24]);
  });
  it("Reshape with 0, -1 and allowzero", () => {
    expect(shape({ op: "Reshape", inputs: [["N", 3, 4, 5], ints([0, -1])] })).toEqual(["N", 60]);
    expect(shape({ op: "Reshape", inputs: [[2, 3, 4], ints([4, 0, -1])] })).toEqual([4, 3, 2]);
    expect(shape({ op: "Reshape", inputs: [[0, 3], ints([3, 0])], attrs: { allowzero: 1 }, opset: 14 })).toEqual([3, 0]);
    expect(shape({ op: "Reshape", inputs: [[2, 3], ints([-1])] })).toEqual([6]);
    expect(() => shape({ op: "Reshape", inputs: [[2, 3], ints([4, 2])] })).toThrow(/cannot reshape/);
  });
  it("Transpose with and without perm", () => {
    expect(shape({ op: "Transpose", inputs: [["N", 3, 4, 5]], attrs: { perm: [0, 2, 3, 1] } })).toEqual(["N", 4, 5, 3]);
    expect(shape({ op: "Transpose", inputs: [[2, 3, 4]] })).toEqual([4, 3, 2]);
  });
  it("Squeeze and Unsqueeze, attribute (opset 11) and input (opset 13) forms", () => {
    expect(shape({ op: "Squeeze", inputs: [["N", 1, 4, 1]], attrs: { axes: [1, 3] }, opset: 11 })).toEqual(["N", 4]);
    expect(shape({ op: "Squeeze", inputs: [["N", 1, 4, 1], ints([-1])], opset: 13 })).toEqual(["N", 1, 4]);
    expect(shape({ op: "Squeeze", inputs: [[1, 4, 1]], opset: 13 })).toEqual([4]);
    expect(shape({ op: "Unsqueeze", inputs: [["N", 4]], attrs: { axes: [0, 3] }, opset: 11 })).toEqual([1, "N", 4, 1]);
    expect(shape({ op: "Unsqueeze", inputs: [["N", 4], ints([-1])], opset: 13 })).toEqual(["N", 4, 1]);
  });
  it("Concat and Split (attribute, input, equal parts, num_outputs)", () => {
    expect(shape({ op: "Concat", inputs: [["N", 3, 8], ["N", 5, 8]], attrs: { axis: 1 } })).toEqual(["N", 8, 8]);
    expect(shape({ op: "Concat", inputs: [["N", 3], ["M", 3]], attrs: { axis: 0 } })).toEqual([null, 3]);
    expect(infer({ op: "Split", inputs: [["N", 6]], attrs: { axis: 1, split: [2, 4] }, opset: 11, outputs: 2 }).map((o) => o.shape)).toEqual([["N", 2], ["N", 4]]);
    expect(infer({ op: "Split", inputs: [["N", 6], ints([1, 5])], attrs: { axis: 1 }, opset: 13, outputs: 2 }).map((o) => o.shape)).toEqual([["N", 1], ["N", 5]]);
    expect(infer({ op: "Split", inputs: [["N", 6]], attrs: { axis: -1 }, opset: 13, outputs: 3 }).map((o) => o.shape)).toEqual([["N", 2], ["N", 2], ["N", 2]]);
    expect(infer({ op: "Split", inputs: [[7, 2]], attrs: { num_outputs: 3 }, opset: 18, outputs: 3 }).map((o) => o.shape)).toEqual([[3, 2], [3, 2], [1, 2]]);
  });
  it("Slice with negative indices, steps and INT64_MAX ends", () => {
    expect(shape({ op: "Slice", inputs: [["N", 10, 10], ints([1, -3]), ints([9, 100]), ints([1, 2])] })).toEqual(["N", 8, 3]);
    expect(shape({ op: "Slice", inputs: [[10], ints([-1]), ints([-11]), ints([0]), ints([-2])] })).toEqual([5]);
    expect(shape({ op: "Slice", inputs: [["N", 10], ints([0]), int64([1], [Number.MAX_SAFE_INTEGER]), ints([0])] })).toEqual(["N", 10]);
    expect(shape({ op: "Slice", inputs: [["N", 10]], attrs: { starts: [2], ends: [5], axes: [1] }, opset: 9 })).toEqual(["N", 3]);
  });
  it("Gather: indices shape replaces the axis", () => {
    expect(shape({ op: "Gather", inputs: [w([1000, 64]), ["N", 16]], dtype: "int64" })).toEqual(["N", 16, 64]);
    expect(shape({ op: "Gather", inputs: [["N", 5, 64], int64([], [0])], attrs: { axis: 1 } })).toEqual(["N", 64]);
  });
  it("Expand, Tile, Pad", () => {
    expect(shape({ op: "Expand", inputs: [[3, 1], ints([2, 1, 6])] })).toEqual([2, 3, 6]);
    expect(shape({ op: "Tile", inputs: [["N", 3], ints([1, 2])] })).toEqual(["N", 6]);
    expect(shape({ op: "Pad", inputs: [["N", 3, 4, 4], ints([0, 0, 1, 2, 0, 0, 1, 2])] })).toEqual(["N", 3, 6, 8]);
    expect(shape({ op: "Pad", inputs: [[1, 3, 4, 4]], attrs: { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, opset: 10 })).toEqual([1, 3, 6, 6]);
  });
  it("Resize by scales and by sizes", () => {
    expect(shape({ op: "Resize", inputs: [["N", 3, 8, 8], undefined, float32([4], [1, 1, 2, 2])], attrs: { mode: "nearest" } })).toEqual(["N", 3, 16, 16]);
    expect(shape({ op: "Resize", inputs: [["N", 3, 8, 8], undefined, undefined, ints([1, 3, 5, 7])] })).toEqual([1, 3, 5, 7]);
  });
});

describe("generators", () => {
  it("Shape with start/end, Range, ConstantOfShape, Constant", () => {
    expect(infer({ op: "Shape", inputs: [["N", 3, 4]], attrs: { start: 1 }, opset: 15 })[0]).toEqual({ shape: [2], dtype: "int64" });
    expect(infer({ op: "Range", inputs: [int64([], [0]), int64([], [10]), int64([], [3])] })[0]).toEqual({ shape: [4], dtype: "int64" });
    expect(infer({ op: "ConstantOfShape", inputs: [ints([2, 3])], attrs: { value: makeTensor("int32", [1], Int32Array.from([7])) } })[0]).toEqual({ shape: [2, 3], dtype: "int32" });
    expect(infer({ op: "Constant", inputs: [], attrs: { value: w([5, 2]) } })[0]).toEqual({ shape: [5, 2], dtype: "float32" });
    expect(infer({ op: "Constant", inputs: [], attrs: { value_ints: attr.ints([1, 2, 3]) } })[0]).toEqual({ shape: [3], dtype: "int64" });
  });
});

describe("normalization and recurrent layers", () => {
  it("LayerNormalization with its statistics outputs", () => {
    const [y, mean, inv] = infer({ op: "LayerNormalization", inputs: [["N", 10, 64], w([64]), w([64])], attrs: { axis: -1, epsilon: 1e-5 }, outputs: 3 });
    expect(y.shape).toEqual(["N", 10, 64]);
    expect(mean.shape).toEqual(["N", 10, 1]);
    expect(inv).toEqual({ shape: ["N", 10, 1], dtype: "float32" });
  });
  it("LSTM and GRU, time-major and batch-major, bidirectional", () => {
    const lstm = infer({ op: "LSTM", inputs: [["T", "N", 8], w([2, 64, 8]), w([2, 64, 16])], attrs: { hidden_size: 16, direction: "bidirectional" }, outputs: 3 });
    expect(lstm.map((o) => o.shape)).toEqual([["T", 2, "N", 16], [2, "N", 16], [2, "N", 16]]);
    const gru = infer({ op: "GRU", inputs: [["N", "T", 8], w([1, 48, 8]), w([1, 48, 16])], attrs: { hidden_size: 16, layout: 1 }, outputs: 2, opset: 14 });
    expect(gru.map((o) => o.shape)).toEqual([["N", "T", 1, 16], ["N", 1, 16]]);
  });
});

describe("unknown ops", () => {
  it("are reported, not thrown, and their outputs stay unknown", () => {
    const b = new GraphBuilder({ name: "g", opset: 17, opsets: { "com.example": 2 } });
    const x = b.input("x", "float32", ["N", 4]);
    const [y] = b.node("FancyOp", [x], {}, { name: "fancy", domain: "com.example" });
    const [z] = b.node("Relu", [y]);
    b.output(z);
    const g = b.build();
    const report = inferShapesWithReport(g);
    // Reported at its own domain's opset, not ai.onnx's.
    expect(report.unknownOps).toEqual([{ op: "FancyOp", domain: "com.example", opset: 2, nodes: ["fancy"] }]);
    expect(report.problems).toEqual([]);
    expect(g.valueInfo.has(y)).toBe(false);
    expect(g.outputs[0].shape).toBeUndefined();
  });

  it("include known ops of a domain the graph declares no opset for, at opset 0, rather than guessing a version", () => {
    const b = new GraphBuilder({ name: "g", opset: 17 });
    const x = b.input("x", "float32", ["N", 4]);
    b.output(b.node("Relu", [x], {}, { name: "r" })[0]!);
    const g = b.build();
    const report = inferShapesWithReport({ ...g, opsets: {}, outputs: g.outputs.map(({ name, dtype }) => ({ name, dtype })), valueInfo: new Map() });
    expect(report.unknownOps).toEqual([{ op: "Relu", domain: "", opset: 0, nodes: ["r"] }]);
  });
});
