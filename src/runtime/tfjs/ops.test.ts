// Every op family of the tfjs runtime against onnxruntime, one small graph per
// case (rtol 1e-4 of the output's largest magnitude).
import { describe, it } from "vitest";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { float32, int64 } from "../../graph/tensor.js";
import { oneNode, randomTensor, type OneNodeSpec } from "../../../test/helpers/tfjs-graphs.js";

async function check(spec: OneNodeSpec, shapes: Record<string, number[]>, seed = 1, lo = -1, hi = 1): Promise<void> {
  const graph = oneNode(spec);
  const feeds = Object.fromEntries(Object.entries(shapes).map(([name, dims], i) => [name, randomTensor(dims, seed + i, lo, hi)]));
  await expectMatchesOrt(graph, feeds);
}

const w = (dims: number[], seed = 7) => randomTensor(dims, seed);

describe("Conv", () => {
  const cases: [string, Partial<OneNodeSpec> & { x: number[]; w: number[] }][] = [
    ["3x3 pads 1", { x: [2, 3, 9, 9], w: [4, 3, 3, 3], attrs: { pads: [1, 1, 1, 1] } }],
    ["stride 2 asymmetric pads", { x: [1, 3, 10, 11], w: [5, 3, 3, 3], attrs: { strides: [2, 2], pads: [0, 1, 2, 1] } }],
    ["dilation 2", { x: [1, 2, 12, 12], w: [3, 2, 3, 3], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] } }],
    ["dilation and stride", { x: [1, 2, 13, 13], w: [3, 2, 3, 3], attrs: { dilations: [2, 2], strides: [2, 2] } }],
    ["groups 2", { x: [2, 4, 8, 8], w: [6, 2, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] } }],
    ["depthwise", { x: [2, 4, 8, 8], w: [4, 1, 3, 3], attrs: { group: 4, pads: [1, 1, 1, 1] } }],
    ["depthwise multiplier 2 stride 2", { x: [1, 3, 9, 9], w: [6, 1, 3, 3], attrs: { group: 3, strides: [2, 2], pads: [1, 0, 1, 0] } }],
    ["auto_pad SAME_UPPER", { x: [1, 2, 7, 8], w: [3, 2, 4, 4], attrs: { auto_pad: "SAME_UPPER", strides: [2, 2] } }],
    ["auto_pad SAME_LOWER", { x: [1, 2, 7, 8], w: [3, 2, 4, 4], attrs: { auto_pad: "SAME_LOWER", strides: [2, 2] } }],
    ["1-D", { x: [2, 3, 20], w: [4, 3, 5], attrs: { pads: [2, 1], strides: [2] } }],
    ["1-D depthwise", { x: [2, 3, 20], w: [3, 1, 3], attrs: { group: 3, pads: [1, 1] } }],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      await check({ op: "Conv", inputs: { x: c.x }, weights: { w: w(c.w), b: w([c.w[0]!], 9) }, attrs: c.attrs }, { x: c.x });
    });
  }
  it("without bias", async () => {
    await check({ op: "Conv", inputs: { x: [1, 3, 6, 6] }, weights: { w: w([2, 3, 1, 1]) } }, { x: [1, 3, 6, 6] });
  });
});

describe("ConvTranspose", () => {
  const cases: [string, { x: number[]; w: number[]; attrs?: OneNodeSpec["attrs"] }][] = [
    ["stride 2", { x: [1, 3, 5, 5], w: [3, 2, 3, 3], attrs: { strides: [2, 2] } }],
    ["pads and output_padding", { x: [2, 3, 5, 6], w: [3, 4, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } }],
    ["groups 2", { x: [1, 4, 4, 4], w: [4, 3, 2, 2], attrs: { group: 2, strides: [2, 2] } }],
    ["output_shape", { x: [1, 2, 4, 4], w: [2, 2, 3, 3], attrs: { strides: [2, 2], output_shape: [8, 8] } }],
    ["1-D", { x: [1, 2, 7], w: [2, 3, 4], attrs: { strides: [3], pads: [1, 2] } }],
    ["output_shape SAME_UPPER", { x: [1, 2, 4, 4], w: [2, 2, 3, 3], attrs: { strides: [2, 2], output_shape: [8, 8], auto_pad: "SAME_UPPER" } }],
    ["auto_pad SAME_UPPER", { x: [1, 2, 4, 5], w: [2, 2, 3, 3], attrs: { strides: [2, 2], auto_pad: "SAME_UPPER" } }],
    ["auto_pad SAME_LOWER", { x: [1, 2, 4, 5], w: [2, 2, 3, 3], attrs: { strides: [2, 2], auto_pad: "SAME_LOWER" } }],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      const cout = c.w[1]! * ((c.attrs?.group as number | undefined) ?? 1);
      await check({ op: "ConvTranspose", inputs: { x: c.x }, weights: { w: w(c.w), b: w([cout], 9) }, attrs: c.attrs }, { x: c.x });
    });
  }
});

describe("pooling", () => {
  const x = [2, 3, 9, 10];
  const cases: [string, string, OneNodeSpec["attrs"], number?][] = [
    ["MaxPool 3x3 s2", "MaxPool", { kernel_shape: [3, 3], strides: [2, 2] }],
    ["MaxPool pads", "MaxPool", { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ["MaxPool ceil_mode", "MaxPool", { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ["MaxPool ceil_mode pads", "MaxPool", { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
    ["MaxPool SAME_UPPER", "MaxPool", { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_UPPER" }],
    ["MaxPool dilations", "MaxPool", { kernel_shape: [2, 2], dilations: [2, 2] }],
    ["AveragePool", "AveragePool", { kernel_shape: [3, 3], strides: [2, 2] }],
    ["AveragePool pads exclude", "AveragePool", { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ["AveragePool pads include", "AveragePool", { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 2, 1, 0], count_include_pad: 1 }],
    ["AveragePool ceil_mode", "AveragePool", { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
    ["AveragePool ceil_mode pads include", "AveragePool", { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }],
    ["GlobalAveragePool", "GlobalAveragePool", {}],
    ["GlobalMaxPool", "GlobalMaxPool", {}],
  ];
  for (const [name, op, attrs] of cases) {
    it(name, async () => {
      await check({ op, inputs: { x }, attrs }, { x });
    });
  }
  it("MaxPool 1-D", async () => {
    await check({ op: "MaxPool", inputs: { x: [2, 3, 11] }, attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] } }, { x: [2, 3, 11] });
  });
});

describe("normalization", () => {
  it("BatchNormalization (randomized statistics)", async () => {
    const c = 4;
    await check(
      {
        op: "BatchNormalization",
        inputs: { x: [2, c, 5, 5] },
        weights: { s: w([c], 1), b: w([c], 2), m: w([c], 3), v: randomTensor([c], 4, 0.5, 2) },
        attrs: { epsilon: 1e-3 },
      },
      { x: [2, c, 5, 5] },
    );
  });
  it("BatchNormalization on (N, C)", async () => {
    await check({ op: "BatchNormalization", inputs: { x: [3, 4] }, weights: { s: w([4], 1), b: w([4], 2), m: w([4], 3), v: randomTensor([4], 4, 0.5, 2) } }, { x: [3, 4] });
  });
  it("LayerNormalization", async () => {
    await check({ op: "LayerNormalization", inputs: { x: [2, 5, 8] }, weights: { s: w([8], 1), b: w([8], 2) } }, { x: [2, 5, 8] });
  });
  it("LayerNormalization axis -2", async () => {
    await check({ op: "LayerNormalization", inputs: { x: [2, 5, 8] }, weights: { s: w([5, 8], 1), b: w([5, 8], 2) }, attrs: { axis: -2 } }, { x: [2, 5, 8] });
  });
  it("InstanceNormalization", async () => {
    await check({ op: "InstanceNormalization", inputs: { x: [2, 3, 6, 5] }, weights: { s: w([3], 1), b: w([3], 2) } }, { x: [2, 3, 6, 5] });
  });
});

describe("activations", () => {
  const x = [2, 3, 4, 5];
  const unary: [string, OneNodeSpec["attrs"]?, number?][] = [
    ["Relu"], ["LeakyRelu", { alpha: 0.1 }], ["Sigmoid"], ["HardSigmoid", { alpha: 0.3, beta: 0.4 }], ["HardSwish", {}, 14],
    ["Tanh"], ["Softplus"], ["Elu", { alpha: 0.7 }], ["Elu"], ["Selu"], ["Clip", { min: -0.3, max: 0.5 }, 6],
  ];
  for (const [op, attrs, opset] of unary) {
    it(`${op} ${JSON.stringify(attrs ?? {})}`, async () => {
      await check({ op, opset, inputs: { x }, attrs }, { x }, 3, -4, 4);
    });
  }
  it("PRelu with a (C,1,1) slope", async () => {
    await check({ op: "PRelu", inputs: { x }, weights: { slope: w([3, 1, 1]) } }, { x });
  });
  it("Clip with min/max inputs (opset 13)", async () => {
    await check({ op: "Clip", opset: 13, inputs: { x }, weights: { lo: float32([], [-0.2]), hi: float32([], [0.6]) } }, { x });
  });
  it("Clip with only max (opset 13)", async () => {
    await check({ op: "Clip", opset: 13, inputs: { x }, weights: { hi: float32([], [0.6]) }, order: ["x", "", "hi"] }, { x });
  });
});

describe("softmax", () => {
  for (const [op, opset, axis] of [["Softmax", 11, 1], ["Softmax", 13, 1], ["LogSoftmax", 11, 2], ["LogSoftmax", 13, -1], ["Softmax", 13, 0]] as const) {
    it(`${op} opset ${opset} axis ${axis}`, async () => {
      await check({ op, opset, inputs: { x: [2, 3, 4] }, attrs: { axis } }, { x: [2, 3, 4] }, 5, -3, 3);
    });
  }
});

describe("softmax on high ranks", () => {
  it("LogSoftmax axis 1 on a rank-7 tensor", async () => {
    await check({ op: "LogSoftmax", opset: 13, inputs: { x: [2, 3, 2, 1, 2, 1, 2] }, attrs: { axis: 1 } }, { x: [2, 3, 2, 1, 2, 1, 2] }, 5, -3, 3);
  });
});

describe("matmul", () => {
  it("Gemm transB=1 with bias", async () => {
    await check({ op: "Gemm", inputs: { a: [4, 6] }, weights: { b: w([5, 6]), c: w([5], 2) }, attrs: { transB: 1 } }, { a: [4, 6] });
  });
  it("Gemm alpha, beta, transA, 2-D C", async () => {
    await check({ op: "Gemm", inputs: { a: [6, 4] }, weights: { b: w([6, 5]), c: w([4, 5], 2) }, attrs: { transA: 1, alpha: 0.5, beta: 2 } }, { a: [6, 4] });
  });
  it("Gemm without C", async () => {
    await check({ op: "Gemm", opset: 13, inputs: { a: [3, 4] }, weights: { b: w([5, 4]) }, attrs: { transB: 1 } }, { a: [3, 4] });
  });
  for (const [name, a, b] of [
    ["batched × 2-D", [2, 3, 4, 5], [5, 6]],
    ["batched × batched broadcast", [2, 3, 4, 5], [3, 5, 2]],
    ["1-D × 2-D", [5], [5, 3]],
    ["2-D × 1-D", [4, 5], [5]],
  ] as const) {
    it(`MatMul ${name}`, async () => {
      await check({ op: "MatMul", inputs: { a: [...a], b: [...b] } }, { a: [...a], b: [...b] });
    });
  }
});

describe("elementwise", () => {
  for (const op of ["Add", "Sub", "Mul", "Div", "Min", "Max", "Sum", "Mean"]) {
    it(`${op} with broadcasting`, async () => {
      await check({ op, inputs: { a: [2, 3, 4], b: [3, 1] } }, { a: [2, 3, 4], b: [3, 1] }, 2, 0.5, 2);
    });
  }
  it("Pow", async () => {
    await check({ op: "Pow", inputs: { a: [2, 3] }, weights: { e: float32([], [2.5]) } }, { a: [2, 3] }, 2, 0.1, 2);
  });
  for (const op of ["Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Sin", "Cos", "Erf"]) {
    it(op, async () => {
      await check({ op, inputs: { x: [3, 4] } }, { x: [3, 4] }, 4, op === "Sqrt" || op === "Log" ? 0.1 : -2, 2);
    });
  }
});

describe("reductions", () => {
  for (const op of ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2"]) {
    it(`${op} axes attribute (opset 11)`, async () => {
      await check({ op, opset: 11, inputs: { x: [2, 3, 4] }, attrs: { axes: [1, -1], keepdims: 0 } }, { x: [2, 3, 4] });
    });
    it(`${op} axes input (opset 18)`, async () => {
      await check({ op, opset: 18, inputs: { x: [2, 3, 4] }, weights: { axes: int64([1], [1]) } }, { x: [2, 3, 4] });
    });
  }
  it("ReduceSum all axes (opset 13, no axes input)", async () => {
    await check({ op: "ReduceSum", opset: 13, inputs: { x: [2, 3, 4] }, attrs: { keepdims: 0 } }, { x: [2, 3, 4] });
  });
  it("ReduceSum noop_with_empty_axes", async () => {
    await check({ op: "ReduceSum", opset: 13, inputs: { x: [2, 3] }, attrs: { noop_with_empty_axes: 1 } }, { x: [2, 3] });
  });
  for (const op of ["ArgMax", "ArgMin"]) {
    it(`${op} keepdims and select_last_index`, async () => {
      await check({ op, opset: 13, inputs: { x: [3, 5] }, attrs: { axis: 1, keepdims: 1 } }, { x: [3, 5] });
      await check({ op, opset: 13, inputs: { x: [3, 5] }, attrs: { axis: 0, keepdims: 0, select_last_index: 1 } }, { x: [3, 5] });
    });
  }
});
