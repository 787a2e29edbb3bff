// The inference fast paths: each must take its fast kernel (checked in the
// tfjs profile, so a silent fallback fails) and match onnxruntime.
//   - per-input-shape folding (specialize.ts) of shape chains on a symbolic batch;
//   - Conv + Relu / Clip(0, 6) fused (fusion.ts), but not while training;
//   - Resize on tfjs's NHWC kernels and reflect Pad on MirrorPad, with the
//     general path's gradient;
//   - Pow by a constant 2 as Square;
//   - Pad between convs padding the channels-last tensor in place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../test/helpers/expect-matches-ort.js";
import { randomTensor } from "../../../test/helpers/tfjs-graphs.js";
import { GraphBuilder } from "../../graph/builder.js";
import { float32, int64 } from "../../graph/tensor.js";
import type { Graph } from "../../graph/types.js";
import { initBackend } from "./backends.js";
import { compile } from "./compile.js";
import { tf } from "./tf.js";
import { pointwise } from "./kernels/pointwise.js";
import { winograd } from "./kernels/winograd.js";
import { dwconv3x3 } from "./kernels/depthwise.js";
import { TRANSPOSE_KERNEL_NAME } from "./kernels/transpose.js";

beforeAll(async () => {
  await initBackend("wasm");
});

/** Kernel names of one inference forward (after a first, unprofiled call). */
async function kernelsOf(graph: Graph, dims: number[]): Promise<string[]> {
  const compiled = await compile(graph);
  const feed = tf.tensor(randomTensor(dims, 1).data, dims);
  tf.tidy(() => compiled.forward({ [graph.inputs[0]!.name]: feed }));
  const profile = await tf.profile(() => tf.tidy(() => Object.values(compiled.forward({ [graph.inputs[0]!.name]: feed }))));
  feed.dispose();
  compiled.dispose();
  return profile.kernels.map((k) => k.name).filter((k) => !k.endsWith("__op"));
}

describe("shape chains on a symbolic batch fold per input shape", () => {
  function flattenByShape(): Graph {
    const b = new GraphBuilder({ name: "dynamic", opset: 13 });
    const x = b.input("x", "float32", ["N", 3, 4, 4]);
    const n = b.node("Gather", [b.node("Shape", [x])[0]!, b.initializer("zero", int64([], [0]))], { axis: 0 })[0]!;
    const shape = b.node("Concat", [b.node("Unsqueeze", [n, b.initializer("ax", int64([1], [0]))])[0]!, b.initializer("rest", int64([1], [-1]))], { axis: 0 })[0]!;
    b.output(b.node("Relu", [b.node("Reshape", [x, shape])[0]!])[0]!, "y");
    return b.build();
  }

  it("runs no shape kernels after the first call with a shape, and stays right for another batch size", async () => {
    const graph = flattenByShape();
    expect((await kernelsOf(graph, [2, 3, 4, 4])).filter((k) => k !== "Reshape" && k !== "Relu")).toEqual([]);
    const compiled = await compile(graph);
    for (const batch of [2, 5, 2]) {
      const out = await compiled.run({ x: randomTensor([batch, 3, 4, 4], batch) });
      expect(out.y!.dims).toEqual([batch, 48]);
    }
    compiled.dispose();
    await expectMatchesOrt(graph, { x: randomTensor([5, 3, 4, 4], 1) });
  });
});

describe("Conv + activation fusion", () => {
  // These are tfjs's fused kernels; 3×3 and 1×1 convs with channels in fours
  // would take our own kernels instead, whose fusion kernels/*.test.ts check.
  beforeAll(() => {
    winograd.enabled = pointwise.enabled = dwconv3x3.enabled = false;
  });
  afterAll(() => {
    winograd.enabled = pointwise.enabled = dwconv3x3.enabled = true;
  });

  function convThen(act: "Relu" | "Clip", depthwise: boolean): Graph {
    const b = new GraphBuilder({ name: "fused", opset: 13 });
    const x = b.input("x", "float32", [2, 4, 6, 6]);
    const w = b.initializer("w", randomTensor(depthwise ? [4, 1, 3, 3] : [4, 4, 3, 3], 2));
    const y = b.node("Conv", [x, w], { pads: [1, 1, 1, 1], group: depthwise ? 4 : 1 })[0]!;
    const bounds = act === "Clip" ? [b.initializer("lo", float32([], [0])), b.initializer("hi", float32([], [0.1]))] : [];
    b.output(b.node(act, [y, ...bounds])[0]!, "z");
    return b.build();
  }

  it("fuses Clip into the conv only when the bounds are 0 and 6", async () => {
    const kernels = await kernelsOf(convThen("Clip", false), [2, 4, 6, 6]);
    expect(kernels).toContain("ClipByValue"); // bounds 0 and 0.1: not relu6
  });

  for (const depthwise of [false, true]) {
    it(`runs Relu inside the ${depthwise ? "depthwise " : ""}conv kernel and matches onnxruntime`, async () => {
      const graph = convThen("Relu", depthwise);
      const kernels = await kernelsOf(graph, [2, 4, 6, 6]);
      expect(kernels).toContain(depthwise ? "FusedDepthwiseConv2D" : "FusedConv2D");
      expect(kernels).not.toContain("Relu");
      await expectMatchesOrt(graph, { x: randomTensor([2, 4, 6, 6], 3) });
    });
  }

  it("runs Clip(0, 6) as relu6 inside the conv, and apart while training (relu6 has no fused gradient)", async () => {
    const b = new GraphBuilder({ name: "relu6", opset: 13 });
    const x = b.input("x", "float32", [2, 4, 6, 6]);
    const y = b.node("Conv", [x, b.initializer("w", randomTensor([4, 4, 3, 3], 2, -3, 3))], { pads: [1, 1, 1, 1] })[0]!;
    b.output(b.node("Clip", [y, b.initializer("lo", float32([], [0])), b.initializer("hi", float32([], [6]))])[0]!, "z");
    const graph = b.build();
    expect(await kernelsOf(graph, [2, 4, 6, 6])).not.toContain("ClipByValue");
    await expectMatchesOrt(graph, { x: randomTensor([2, 4, 6, 6], 3, -3, 3) });
    const compiled = await compile(graph);
    const feed = tf.tensor(randomTensor([2, 4, 6, 6], 3, -3, 3).data, [2, 4, 6, 6]);
    const w = compiled.variables.get("w")!;
    const { grads } = tf.variableGrads(() => tf.sum(compiled.forward({ x: feed }, { training: true }).z!) as tf.Scalar, [w]);
    expect(Number.isFinite(tf.sum(grads[w.name]!).dataSync()[0]!)).toBe(true);
    tf.dispose([feed, grads[w.name]!]);
    compiled.dispose();
  });
});

describe("Resize and reflect Pad on tfjs's own kernels", () => {
  function resizeGraph(mode: string, coordinate: string, nearest: string): Graph {
    const b = new GraphBuilder({ name: "resize", opset: 13 });
    const x = b.input("x", "float32", [2, 3, 5, 4]);
    const scales = b.initializer("scales", float32([4], [1, 1, 2, 3]));
    b.output(b.node("Resize", [x, "", scales], { mode, coordinate_transformation_mode: coordinate, nearest_mode: nearest })[0]!, "y");
    return b.build();
  }

  const cases: [string, string, string, string][] = [
    ["nearest", "asymmetric", "floor", "ResizeNearestNeighbor"],
    ["nearest", "tf_half_pixel_for_nn", "floor", "ResizeNearestNeighbor"],
    ["linear", "half_pixel", "round_prefer_floor", "ResizeBilinear"],
    ["linear", "asymmetric", "round_prefer_floor", "ResizeBilinear"],
    ["linear", "align_corners", "round_prefer_floor", "ResizeBilinear"],
  ];
  for (const [mode, coordinate, nearest, kernel] of cases) {
    it(`${mode} ${coordinate} runs ${kernel} and matches onnxruntime`, async () => {
      const graph = resizeGraph(mode, coordinate, nearest);
      const kernels = await kernelsOf(graph, [2, 3, 5, 4]);
      expect(kernels).toContain(kernel);
      expect(kernels).not.toContain("GatherV2");
      await expectMatchesOrt(graph, { x: randomTensor([2, 3, 5, 4], 4) });
    });
  }

  it("keeps the gathers where no tfjs kernel matches (cubic)", async () => {
    const graph = resizeGraph("cubic", "half_pixel", "round_prefer_floor");
    expect(await kernelsOf(graph, [2, 3, 5, 4])).toContain("GatherV2");
    await expectMatchesOrt(graph, { x: randomTensor([2, 3, 5, 4], 4) });
  });

  it("reflect Pad runs MirrorPad and matches onnxruntime", async () => {
    const b = new GraphBuilder({ name: "reflect", opset: 13 });
    const x = b.input("x", "float32", [2, 3, 5, 4]);
    b.output(b.node("Pad", [x, b.initializer("pads", int64([8], [0, 0, 2, 1, 0, 0, 1, 3]))], { mode: "reflect" })[0]!, "y");
    const graph = b.build();
    const kernels = await kernelsOf(graph, [2, 3, 5, 4]);
    expect(kernels).toContain("MirrorPad");
    expect(kernels).not.toContain("GatherV2");
    await expectMatchesOrt(graph, { x: randomTensor([2, 3, 5, 4], 5) });
  });
});

describe("Pow by a constant 2", () => {
  it("runs Square, not Pow, and matches onnxruntime; another exponent keeps Pow", async () => {
    for (const [e, kernel] of [[2, "Square"], [3, "Pow"]] as const) {
      const b = new GraphBuilder({ name: "pow", opset: 13 });
      const x = b.input("x", "float32", [2, 5]);
      b.output(b.node("Pow", [x, b.initializer("e", float32([], [e]))])[0]!, "y");
      const graph = b.build();
      const kernels = await kernelsOf(graph, [2, 5]);
      expect(kernels).toContain(kernel);
      if (e === 2) expect(kernels).not.toContain("Pow");
      await expectMatchesOrt(graph, { x: randomTensor([2, 5], 6) });
    }
  });
});

describe("Pad keeps a channels-last input's layout", () => {
  it("between two convs adds no transposes (only the graph's two boundaries) and matches onnxruntime", async () => {
    for (const mode of ["constant", "reflect"]) {
      const b = new GraphBuilder({ name: "conv_pad_conv", opset: 13 });
      const x = b.input("x", "float32", [2, 3, 6, 5]);
      const c1 = b.node("Conv", [x, b.initializer("w1", randomTensor([4, 3, 3, 3], 7))])[0]!;
      const padded = b.node("Pad", [c1, b.initializer("pads", int64([8], [0, 1, 2, 1, 0, 0, 1, 2]))], { mode })[0]!;
      b.output(b.node("Conv", [padded, b.initializer("w2", randomTensor([2, 5, 3, 3], 8))])[0]!, "y");
      const graph = b.build();
      // Layout transposes run tfjs's Transpose or, at inference on wasm, ours (kernels/transpose.ts).
      expect((await kernelsOf(graph, [2, 3, 6, 5])).filter((k) => k === "Transpose" || k === TRANSPOSE_KERNEL_NAME)).toHaveLength(2);
      await expectMatchesOrt(graph, { x: randomTensor([2, 3, 6, 5], 9) });
    }
  });
});
