// Concat's channels-last path (conformance runs only ONNX layout) and Split's
// opset-18 uneven chunks, checked against onnxruntime.
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32, int64 } from "../../../graph/tensor.js";
import type { Node, Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { tf } from "../tf.js";
import { initBackend } from "../backends.js";
import { SPLIT_OPS } from "./split.js";
import type { OpContext } from "./types.js";

function random(dims: number[], seed: number): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1));
}

function ctxFor(node: Partial<Node>, layout: "onnx" | "channelsLast"): OpContext {
  return {
    node: { name: "n", opType: "Concat", domain: "", inputs: [], outputs: ["y"], attributes: {}, ...node },
    opset: 17,
    layout,
    training: false,
    seed: () => 0,
    updateState: () => undefined,
    constantOf: () => undefined,
  };
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("Concat", () => {
  it("maps the ONNX axis onto channels-last inputs instead of transposing back", () => {
    const concat = SPLIT_OPS.find((e) => e.opType === "Concat")!;
    // NHWC tensors; ONNX axis 1 (channels) is their last axis.
    const a = tf.ones([1, 2, 2, 3]);
    const b = tf.zeros([1, 2, 2, 5]);
    const [y] = concat.run([a, b], { axis: 1 }, ctxFor({}, "channelsLast"));
    expect(y!.shape).toEqual([1, 2, 2, 8]);
    const [w] = concat.run([a, a], { axis: -1 }, ctxFor({}, "channelsLast"));
    expect(w!.shape).toEqual([1, 2, 4, 3]);
  });

  it("matches onnxruntime between convolutions (channels-last inside, any axis sign)", async () => {
    const b = new GraphBuilder({ name: "conv_concat", opset: 17 });
    const x = b.input("x", "float32", ["N", 3, 6, 6]);
    const [c1] = b.node("Conv", [x, b.initializer("w1", random([4, 3, 3, 3], 1))], { pads: [1, 1, 1, 1] });
    const [c2] = b.node("Conv", [x, b.initializer("w2", random([2, 3, 1, 1], 2))]);
    const [cat] = b.node("Concat", [c1!, c2!], { axis: 1 });
    const [wide] = b.node("Concat", [cat!, cat!], { axis: -1 });
    const [tall] = b.node("Concat", [wide!, wide!], { axis: 2 });
    const [act] = b.node("Relu", [tall!]);
    const [out] = b.node("Conv", [act!, b.initializer("w3", random([3, 6, 1, 1], 3))]);
    b.output(out!, "y");
    const graph = b.build();
    for (const batch of [1, 3]) await expectMatchesOrt(graph, { x: random([batch, 3, 6, 6], 4 + batch) });
  });
});

describe("Split", () => {
  it("gives opset 18's uneven last chunk like onnxruntime", async () => {
    const b = new GraphBuilder({ name: "split18", opset: 18 });
    const x = b.input("x", "float32", [2, 7]);
    const parts = b.node("Split", [x], { axis: 1, num_outputs: 3 }, { outputs: 3 });
    parts.forEach((p, i) => b.output(p, `part${i}`));
    const { tfjs } = await expectMatchesOrt(b.build(), { x: random([2, 7], 9) });
    expect([tfjs.part0!.dims, tfjs.part1!.dims, tfjs.part2!.dims]).toEqual([[2, 3], [2, 3], [2, 1]]);
  });

  it("splits by a sizes input (opset 13) and names the node when sizes do not add up", async () => {
    const b = new GraphBuilder({ name: "split13", opset: 13 });
    const x = b.input("x", "float32", [4, 6]);
    const parts = b.node("Split", [x, b.initializer("sizes", int64([2], [1, 5]))], { axis: -1 }, { outputs: 2, name: "head_split" });
    parts.forEach((p, i) => b.output(p, `part${i}`));
    await expectMatchesOrt(b.build(), { x: random([4, 6], 10) });

    const split13 = SPLIT_OPS.find((e) => e.opType === "Split" && e.since === 13)!;
    const ctx = { ...ctxFor({ name: "head_split", opType: "Split", outputs: ["a", "b"] }, "onnx"), constantOf: () => Int32Array.from([2, 2]) };
    expect(() => split13.run([tf.zeros([4, 6]), tf.tensor1d([2, 2], "int32")], { axis: 1 }, ctx)).toThrow(
      /Split "head_split": split sizes \[2, 2\] must be non-negative and sum to the axis size 6/,
    );
  });
});
