// Inference fast paths for the glue around convs (the kernels each takes are
// checked in the tfjs profile, so a silent fallback fails; values against
// onnxruntime):
//   - ConvTranspose with stride = kernel as one matrix product + transpose;
//   - dilated depthwise convs on the kernel's own dilations;
//   - GlobalAveragePool / GlobalMaxPool as one pooling window;
//   - PRelu with a per-channel slope on the Prelu kernel;
//   - slices on merged dims, and a Pad that pads nothing copying nothing.
// Training keeps the differentiable general paths (checked by their kernels under tf.grad).
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { randomTensor } from "../../../test/helpers/tfjs-graphs.js";
import { GraphBuilder } from "../../graph/builder.js";
import { int64 } from "../../graph/tensor.js";
import type { AttributeInput } from "../../graph/builder.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { initBackend } from "./backends.js";
import { compile } from "./compile.js";
import { sliceRows } from "./ops/slice-rows.js";
import { tf } from "./tf.js";

beforeAll(async () => {
  await initBackend("wasm");
});

type AttrValue = AttributeInput;

/** Kernel names of one forward (after a first, unprofiled call); with `grad`, of a gradient with respect to the input. */
async function kernelsOf(graph: Graph, dims: number[], grad = false): Promise<string[]> {
  const compiled = await compile(graph);
  const input = graph.inputs[0]!.name;
  const output = graph.outputs[0]!.name;
  const feed = tf.tensor(randomTensor(dims, 1).data, dims);
  const call = () => (grad ? [tf.grad((x: tf.Tensor) => tf.sum(compiled.forward({ [input]: x }, { training: true })[output]!))(feed)] : Object.values(compiled.forward({ [input]: feed })));
  tf.tidy(call);
  const profile = await tf.profile(() => tf.tidy(call));
  feed.dispose();
  compiled.dispose();
  return profile.kernels.map((k) => k.name).filter((k) => !k.endsWith("__op"));
}

/** x (dims) → one node → y, with initializers for the node's other inputs. */
function oneNode(opType: string, dims: number[], weights: [string, Tensor][], attrs: Record<string, AttrValue> = {}, opset = 13): Graph {
  const b = new GraphBuilder({ name: opType.toLowerCase(), opset });
  const x = b.input("x", "float32", dims);
  const inputs = [x, ...weights.map(([name, t]) => (name === "" ? "" : b.initializer(name, t)))];
  b.output(b.node(opType, inputs, attrs)[0]!, "y");
  return b.build();
}

describe("ConvTranspose with stride = kernel", () => {
  const x = [2, 6, 5, 4];
  const cases: [string, number[], Record<string, AttrValue>, boolean][] = [
    ["2×2 stride 2 with bias", [6, 3, 2, 2], { strides: [2, 2] }, true],
    ["3×2 stride (3, 2) without bias", [6, 4, 3, 2], { strides: [3, 2] }, false],
    ["with pads (cropped)", [6, 3, 2, 2], { strides: [2, 2], pads: [1, 0, 0, 1] }, true],
    ["with output_padding (bias on the zero tail)", [6, 3, 2, 2], { strides: [2, 2], output_padding: [1, 1] }, true],
  ];
  for (const [what, w, attrs, bias] of cases) {
    it(`${what}: one matMul, no Conv2DBackpropInput, matches onnxruntime`, async () => {
      const weights: [string, Tensor][] = [["w", randomTensor(w, 2)]];
      if (bias) weights.push(["b", randomTensor([w[1]!], 3)]);
      const graph = oneNode("ConvTranspose", x, weights, attrs);
      const kernels = await kernelsOf(graph, x);
      expect(kernels).toContain("_FusedMatMul");
      expect(kernels).not.toContain("Conv2DBackpropInput");
      await expectMatchesOrt(graph, { x: randomTensor(x, 4) });
    });
  }

  it("overlapping taps (stride < kernel) and groups keep conv2dTranspose", async () => {
    for (const [w, attrs] of [[[6, 3, 3, 3], { strides: [2, 2] }], [[6, 2, 2, 2], { strides: [2, 2], group: 2 }]] as const) {
      const graph = oneNode("ConvTranspose", x, [["w", randomTensor([...w], 2)]], attrs);
      expect(await kernelsOf(graph, x)).toContain("Conv2DBackpropInput");
      await expectMatchesOrt(graph, { x: randomTensor(x, 4) });
    }
  });

  it("training keeps conv2dTranspose", async () => {
    const graph = oneNode("ConvTranspose", x, [["w", randomTensor([6, 3, 2, 2], 2)]], { strides: [2, 2] });
    expect(await kernelsOf(graph, x, true)).toContain("Conv2DBackpropInput");
  });
});

describe("dilated depthwise conv", () => {
  const x = [2, 4, 9, 9];
  it("hands the dilations to the kernel (no filter spreading) and matches onnxruntime", async () => {
    const graph = oneNode("Conv", x, [["w", randomTensor([4, 1, 3, 3], 2)], ["b", randomTensor([4], 3)]], { group: 4, dilations: [2, 2], pads: [2, 2, 2, 2] });
    const kernels = await kernelsOf(graph, x);
    expect(kernels).toContain("FusedDepthwiseConv2D");
    expect(kernels).not.toContain("PadV2");
    await expectMatchesOrt(graph, { x: randomTensor(x, 4) });
  });

  it("spreads the filter with a stride (tfjs takes stride or dilation) and while training", async () => {
    const strided = oneNode("Conv", x, [["w", randomTensor([4, 1, 3, 3], 2)]], { group: 4, dilations: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(await kernelsOf(strided, x)).toContain("PadV2");
    await expectMatchesOrt(strided, { x: randomTensor(x, 4) });
    const plain = oneNode("Conv", x, [["w", randomTensor([4, 1, 3, 3], 2)]], { group: 4, dilations: [2, 2] });
    expect(await kernelsOf(plain, x, true)).toContain("PadV2");
  });
});

describe("global pools as one window", () => {
  for (const [op, kernel, reduce] of [["GlobalAveragePool", "AvgPool", "Mean"], ["GlobalMaxPool", "MaxPool", "Max"]] as const) {
    it(`${op} runs ${kernel}, not ${reduce}, on 2-D and 1-D inputs and matches onnxruntime`, async () => {
      for (const x of [[2, 5, 7, 6], [2, 5, 9]]) {
        const graph = oneNode(op, x, []);
        const kernels = await kernelsOf(graph, x);
        expect(kernels).toContain(kernel);
        expect(kernels).not.toContain(reduce);
        await expectMatchesOrt(graph, { x: randomTensor(x, 5) });
      }
    });

    it(`${op} keeps ${reduce} while training and on 3-D inputs`, async () => {
      expect(await kernelsOf(oneNode(op, [2, 5, 7, 6], []), [2, 5, 7, 6], true)).toContain(reduce);
      const volume = oneNode(op, [2, 3, 4, 5, 6], []);
      expect(await kernelsOf(volume, [2, 3, 4, 5, 6])).toContain(reduce);
      await expectMatchesOrt(volume, { x: randomTensor([2, 3, 4, 5, 6], 5) });
    });
  }
});

describe("PRelu", () => {
  it("with one slope per channel of a channels-last input runs the Prelu kernel and matches onnxruntime", async () => {
    const b = new GraphBuilder({ name: "conv_prelu", opset: 13 });
    const x = b.input("x", "float32", [2, 5, 4, 3]);
    const y = b.node("Conv", [x, b.initializer("w", randomTensor([5, 5, 1, 1], 5))])[0]!;
    b.output(b.node("PRelu", [y, b.initializer("slope", randomTensor([5, 1, 1], 6))])[0]!, "z");
    const graph = b.build();
    expect(await kernelsOf(graph, [2, 5, 4, 3])).toContain("Prelu");
    await expectMatchesOrt(graph, { x: randomTensor([2, 5, 4, 3], 7) });
  });

  it("with another broadcast keeps relu(x) − slope·relu(−x) and matches onnxruntime", async () => {
    const graph = oneNode("PRelu", [2, 5, 4, 3], [["slope", randomTensor([4, 3], 6)]]);
    expect(await kernelsOf(graph, [2, 5, 4, 3])).not.toContain("Prelu");
    await expectMatchesOrt(graph, { x: randomTensor([2, 5, 4, 3], 7) });
  });
});

describe("slices on merged dims", () => {
  it("sliceRows equals tf.slice for whole, empty, inner, outer and mixed cuts", () => {
    const x = tf.tensor(randomTensor([3, 4, 5, 6], 8).data, [3, 4, 5, 6]);
    const cases: [number[], number[]][] = [
      [[0, 0, 0, 0], [3, 4, 5, 6]],
      [[0, 2, 0, 0], [3, 2, 5, 6]],
      [[1, 0, 0, 0], [2, 4, 5, 6]],
      [[0, 0, 0, 2], [3, 4, 5, 3]],
      [[1, 1, 2, 0], [1, 2, 3, 6]],
      [[0, 1, 0, 0], [3, 0, 5, 6]],
      [[2, 3, 4, 5], [1, 1, 1, 1]],
    ];
    for (const [begin, size] of cases) {
      const got = sliceRows(x, begin, size);
      expect(got.shape).toEqual(size);
      expect(Array.from(got.dataSync())).toEqual(Array.from(tf.slice(x, begin, size).dataSync()));
      got.dispose();
    }
    x.dispose();
  });

  it("a channel Slice and a channel Split of NCHW data match onnxruntime", async () => {
    const x = [2, 6, 3, 4];
    const slice = oneNode("Slice", x, [["starts", int64([1], [2])], ["ends", int64([1], [5])], ["axes", int64([1], [1])]]);
    await expectMatchesOrt(slice, { x: randomTensor(x, 9) });
    const b = new GraphBuilder({ name: "split", opset: 13 });
    const input = b.input("x", "float32", x);
    const [p, q] = b.node("Split", [input, b.initializer("split", int64([2], [2, 4]))], { axis: 1 }, { outputs: 2 });
    b.output(p!, "p");
    b.output(q!, "q");
    await expectMatchesOrt(b.build(), { x: randomTensor(x, 9) });
  });

  it("a Pad of zeros runs no PadV2 and no Slice", async () => {
    const graph = oneNode("Pad", [2, 3, 4, 5], [["pads", int64([8], [0, 0, 0, 0, 0, 0, 0, 0])]]);
    const kernels = await kernelsOf(graph, [2, 3, 4, 5]);
    expect(kernels).not.toContain("PadV2");
    expect(kernels).not.toContain("Slice");
    await expectMatchesOrt(graph, { x: randomTensor([2, 3, 4, 5], 10) });
    await expectMatchesOrt(oneNode("Pad", [2, 3, 4, 5], [["pads", int64([8], [0, -1, 0, 1, 0, 0, 2, 0])]]), { x: randomTensor([2, 3, 4, 5], 10) });
  });
});
