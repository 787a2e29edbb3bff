// Mod against onnxruntime: both remainder conventions with mixed signs, with
// broadcasting, and the Swin Transformer pattern that made the sweep find it
// missing (window padding computed from the input's shape with Mod, then Pad).
import { beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32, int64, makeTensor } from "../../../graph/tensor.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";

const A = [-7, -6, -5, -1, 0, 1, 5, 6, 7, 13, -13, 4];
const B = [3, -3, 2, -4, 5, -2, 3, -6, -2, 4, 4, 7];

function modGraph(dtype: "int64" | "float32", fmod: 0 | 1, bShape: number[]) {
  const b = new GraphBuilder({ name: `mod_${dtype}_fmod${fmod}`, opset: 13 });
  const x = b.input("a", dtype, [4, 3]);
  const y = b.input("b", dtype, bShape);
  b.output(b.node("Mod", [x, y], { fmod })[0]!, "r");
  return b.build();
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("Mod", () => {
  it("takes the divisor's sign with fmod=0 (integers) and the dividend's with fmod=1", async () => {
    const feeds = { a: int64([4, 3], A), b: int64([4, 3], B) };
    const floored = await expectMatchesOrt(modGraph("int64", 0, [4, 3]), feeds);
    expect(Array.from(floored.tfjs.r!.data as ArrayLike<bigint | number>, Number).slice(0, 4)).toEqual([2, 0, 1, -1]);
    const truncated = await expectMatchesOrt(modGraph("int64", 1, [4, 3]), feeds);
    expect(Array.from(truncated.tfjs.r!.data as ArrayLike<bigint | number>, Number).slice(0, 4)).toEqual([-1, 0, -1, -1]);
  });

  it("computes C fmod on floats and broadcasts the divisor", async () => {
    const a = float32([4, 3], A.map((v) => v * 1.37));
    await expectMatchesOrt(modGraph("float32", 1, [4, 3]), { a, b: float32([4, 3], B.map((v) => v * 0.61)) });
    await expectMatchesOrt(modGraph("float32", 1, [3]), { a, b: float32([3], [2.5, -1.75, 0.9]) });
  });

  it("refuses float Mod with fmod=0, naming the node, as the ONNX spec does", async () => {
    const compiled = await compile(modGraph("float32", 0, [4, 3]), { backend: "wasm" });
    try {
      const feeds = { a: float32([4, 3], A), b: float32([4, 3], B) };
      await expect(compiled.run(feeds)).rejects.toThrow(/Mod .*fmod=0 is defined for integer inputs only/);
    } finally {
      compiled.dispose();
    }
  });

  it("pads to a multiple of the window size from a run-time shape (Swin's window padding)", async () => {
    const window = 4;
    const b = new GraphBuilder({ name: "swin_window_pad", opset: 13 });
    const x = b.input("x", "float32", ["batch", 3, 6, 7]);
    const [shape] = b.node("Shape", [x]);
    const [hw] = b.node("Slice", [shape!, b.constant(int64([1], [2])), b.constant(int64([1], [4]))]);
    const win = b.constant(int64([1], [window]));
    const [rem] = b.node("Mod", [hw!, win]);
    const [short] = b.node("Sub", [win, rem!]);
    const [pad] = b.node("Mod", [short!, win]);
    const zeros = b.constant(int64([2], [0, 0]));
    const zero2 = b.constant(int64([2], [0, 0]));
    const [pads] = b.node("Concat", [zeros, zero2, zeros, pad!], { axis: 0 });
    const [padded] = b.node("Pad", [x, pads!]);
    b.output(b.node("Relu", [padded!])[0]!, "y");
    const graph = b.build();
    for (const batch of [1, 2]) {
      const n = batch * 3 * 6 * 7;
      const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      const { tfjs } = await expectMatchesOrt(graph, { x: makeTensor("float32", [batch, 3, 6, 7], data) });
      expect(tfjs.y!.dims).toEqual([batch, 3, 8, 8]);
    }
  });
});
