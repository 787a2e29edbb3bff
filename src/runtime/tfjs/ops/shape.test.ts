// Shape arithmetic as PyTorch exports it for dynamic batch sizes (Shape →
// Gather → Unsqueeze → Concat → Reshape, Expand, ConstantOfShape, Range): the
// batch dimension is not a compile-time constant, so these ops read their
// shape inputs at run time. Checked against onnxruntime at batch 1 and 3, and
// the errors must name the node.
import { describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32, int64 } from "../../../graph/tensor.js";
import type { Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../core/random.js";
import { compile } from "../compile.js";
import { initBackend } from "../backends.js";
import { tf } from "../tf.js";
import { SLICE_OPS } from "./slice.js";
import type { OpContext } from "./types.js";

function random(dims: number[], seed: number): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1));
}

describe("dynamic shape chains", () => {
  it("match onnxruntime for batch 1 and 3", async () => {
    const b = new GraphBuilder({ name: "dynamic_shapes", opset: 14 });
    const x = b.input("x", "float32", ["N", 4, 6]);
    const [shape] = b.node("Shape", [x]);
    const [n] = b.node("Gather", [shape!, b.initializer("zero", int64([], [0]))], { axis: 0 });
    const [n1] = b.node("Unsqueeze", [n!, b.initializer("axes0", int64([1], [0]))]);
    const [target] = b.node("Concat", [n1!, b.initializer("rest", int64([2], [-1, 3]))], { axis: 0 });
    const [flat] = b.node("Reshape", [x, target!]); // [N, 8, 3]
    const [tokens] = b.node("Transpose", [flat!], { perm: [0, 2, 1] }); // [N, 3, 8]
    // A learned "class token" expanded to the batch, as ViTs do.
    const [clsShape] = b.node("Concat", [n1!, b.initializer("one_eight", int64([2], [3, 1]))], { axis: 0 });
    const [cls] = b.node("Expand", [b.initializer("cls", random([1, 3, 1], 2)), clsShape!]);
    const [joined] = b.node("Concat", [cls!, tokens!], { axis: 2 }); // [N, 3, 9]
    // Positions 0..8 from Range over the last dim, cast to float and added.
    const [joinedShape] = b.node("Shape", [joined!]);
    const [len] = b.node("Gather", [joinedShape!, b.initializer("two", int64([], [2]))], { axis: 0 });
    const [positions] = b.node("Range", [b.initializer("start", int64([], [0])), len!, b.initializer("step", int64([], [1]))]);
    const [posFloat] = b.node("Cast", [positions!], { to: 1 });
    const [withPos] = b.node("Add", [joined!, posFloat!]);
    // A mask: positions < 4 keep the value, others take a ConstantOfShape fill.
    const [mask] = b.node("Less", [positions!, b.initializer("four", int64([], [4]))]);
    const [fill] = b.node("ConstantOfShape", [joinedShape!], { value: float32([1], [-1]) });
    const [masked] = b.node("Where", [mask!, withPos!, fill!]);
    const [sliced] = b.node("Slice", [masked!, b.initializer("s", int64([1], [-1])), b.initializer("e", int64([1], [-9223372036854775807])), b.initializer("ax", int64([1], [2])), b.initializer("st", int64([1], [-2]))]);
    b.output(sliced!, "y");
    const graph = b.build();
    for (const batch of [1, 3]) {
      const { tfjs } = await expectMatchesOrt(graph, { x: random([batch, 4, 6], batch) });
      expect(tfjs.y!.dims).toEqual([batch, 3, 5]);
    }
  });
});

describe("shape errors name the node", () => {
  it("Reshape to an impossible shape", async () => {
    const b = new GraphBuilder({ name: "bad_reshape", opset: 14 });
    const x = b.input("x", "float32", ["N", 5]);
    const [y] = b.node("Reshape", [x, b.initializer("shape", int64([2], [-1, 3]))], {}, { name: "head_reshape" });
    b.output(y!, "y");
    const compiled = await compile(b.build(), { backend: "wasm" });
    try {
      await expect(compiled.run({ x: random([2, 5], 1) })).rejects.toThrow(/Reshape "head_reshape": cannot reshape \[2, 5\] to \[-1, 3\]/);
    } finally {
      compiled.dispose();
    }
  });

  it("Slice with a zero step", async () => {
    await initBackend("wasm");
    const slice10 = SLICE_OPS.find((e) => e.since === 10)!;
    const node = { name: "crop", opType: "Slice", domain: "", inputs: [], outputs: ["y"], attributes: {} };
    const ctx: OpContext = { node, opset: 14, layout: "onnx", training: false, seed: () => 0, updateState: () => undefined, constantOf: () => undefined };
    const ints = (v: number) => tf.tensor1d([v], "int32");
    expect(() => slice10.run([tf.zeros([2, 5]), ints(0), ints(4), ints(1), ints(0)], {}, ctx)).toThrow(/Slice "crop": step for axis 1 must not be 0/);
  });
});
