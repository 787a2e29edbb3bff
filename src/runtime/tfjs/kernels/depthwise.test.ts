// The 3×3 depthwise kernel against tfjs's own depthwise conv (explicitly
// padded input, bias and clamp added apart), where it applies and where it
// must step aside, and that it writes nothing outside its output (it runs in
// tfjs's heap).
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { randomTensor } from "../../../../test/helpers/tfjs-graphs.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";
import { tf } from "../tf.js";
import { depthwise3x3, KERNEL_NAME, type Depthwise3x3Attrs } from "./depthwise.js";

beforeAll(async () => {
  await initBackend("wasm");
});

const rand = (shape: number[], seed: number) => tf.tensor(randomTensor(shape, seed, -2, 2).data, shape);

function reference(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor | undefined, strides: [number, number], pads: [number, number, number, number], act: Depthwise3x3Attrs["activation"]): tf.Tensor {
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]]);
    let y: tf.Tensor = tf.depthwiseConv2d(padded, w, strides, "valid");
    if (b) y = tf.add(y, b);
    return act === "relu" ? tf.relu(y) : act === "relu6" ? tf.relu6(y) : y;
  });
}

describe("depthwise 3×3 kernel", () => {
  const cases: [number[], [number, number], [number, number, number, number], boolean, Depthwise3x3Attrs["activation"]][] = [
    [[2, 7, 6, 8], [1, 1], [1, 1, 1, 1], true, "relu6"],
    [[1, 9, 9, 4], [2, 2], [1, 1, 1, 1], true, "relu"],
    [[3, 8, 5, 12], [2, 1], [0, 1, 1, 0], false, "linear"],
    [[1, 4, 4, 16], [1, 1], [0, 0, 0, 0], true, "linear"],
    [[1, 3, 3, 4], [1, 1], [3, 3, 2, 2], true, "relu6"],
    [[2, 1, 1, 8], [1, 2], [1, 1, 1, 1], false, "relu"],
  ];
  for (const [shape, strides, pads, withBias, act] of cases) {
    it(`x ${shape.join("×")}, strides ${strides}, pads ${pads}, ${withBias ? "bias" : "no bias"}, ${act}: as tfjs's conv`, () => {
      const c = shape[3]!;
      const x = rand(shape, 1) as tf.Tensor4D;
      const w = rand([3, 3, c, 1], 2) as tf.Tensor4D;
      const b = withBias ? rand([c], 3) : undefined;
      const want = reference(x, w, b, strides, pads, act);
      const got = depthwise3x3(x, w, b, strides, pads, act)!;
      expect(got).toBeDefined();
      expect(got.shape).toEqual(want.shape);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!);
      expect(diff).toBeLessThan(1e-5);
      tf.dispose([x, w, b, want, got].filter((t): t is tf.Tensor => t !== undefined));
    });
  }

  it("writes only its output: tensors allocated around it keep their values", () => {
    const x = rand([2, 10, 10, 8], 4) as tf.Tensor4D;
    const w = rand([3, 3, 8, 1], 5) as tf.Tensor4D;
    const before = rand([1000], 6);
    const expected = Array.from(before.dataSync());
    for (let i = 0; i < 20; i++) tf.tidy(() => depthwise3x3(x, w, undefined, [1, 1], [1, 1, 1, 1], "linear"));
    const y = depthwise3x3(x, w, undefined, [1, 1], [1, 1, 1, 1], "linear")!;
    const after = rand([1000], 6);
    expect(Array.from(before.dataSync())).toEqual(expected);
    expect(Array.from(after.dataSync())).toEqual(expected);
    tf.dispose([x, w, before, after, y]);
  });

  it("steps aside for channels not in fours, other kernel sizes, and under a gradient tape", () => {
    const x5 = rand([1, 6, 6, 5], 7) as tf.Tensor4D;
    expect(depthwise3x3(x5, rand([3, 3, 5, 1], 8) as tf.Tensor4D, undefined, [1, 1], [1, 1, 1, 1], "linear")).toBeUndefined();
    const x4 = rand([1, 6, 6, 4], 7) as tf.Tensor4D;
    expect(depthwise3x3(x4, rand([5, 5, 4, 1], 8) as tf.Tensor4D, undefined, [1, 1], [2, 2, 2, 2], "linear")).toBeUndefined();
    let taped: tf.Tensor | undefined;
    tf.grad((t: tf.Tensor) => {
      taped = depthwise3x3(t as tf.Tensor4D, rand([3, 3, 4, 1], 8) as tf.Tensor4D, undefined, [1, 1], [1, 1, 1, 1], "linear");
      return tf.sum(t);
    })(x4);
    expect(taped).toBeUndefined();
  });

  it("runs for a compiled depthwise Conv + Relu and matches onnxruntime; not while training", async () => {
    const b = new GraphBuilder({ name: "dw", opset: 13 });
    const x = b.input("x", "float32", [2, 8, 7, 7]);
    const y = b.node("Conv", [x, b.initializer("w", randomTensor([8, 1, 3, 3], 2)), b.initializer("b", randomTensor([8], 3))], { group: 8, pads: [1, 1, 1, 1], strides: [2, 2] })[0]!;
    b.output(b.node("Relu", [y])[0]!, "z");
    const graph = b.build();
    const compiled = await compile(graph);
    const feed = tf.tensor(randomTensor([2, 8, 7, 7], 4).data, [2, 8, 7, 7]);
    const inference = await tf.profile(() => tf.tidy(() => Object.values(compiled.forward({ x: feed }))));
    expect(inference.kernels.map((k) => k.name)).toContain(KERNEL_NAME);
    const training = await tf.profile(() => tf.tidy(() => [tf.grad((t: tf.Tensor) => tf.sum(compiled.forward({ x: t }, { training: true }).z!))(feed)]));
    expect(training.kernels.map((k) => k.name)).not.toContain(KERNEL_NAME);
    feed.dispose();
    compiled.dispose();
    await expectMatchesOrt(graph, { x: randomTensor([2, 8, 7, 7], 4) });
  });
});
