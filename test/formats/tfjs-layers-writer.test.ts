// The TF.js layers-model writer, checked by TF.js's own tfjs-layers
// (loadLayersModel + predict) against onnxruntime on the ONNX graph: PyTorch
// exports and hand-built graphs that exercise each layer family, the
// channels-last layout (NCHW inputs fed as NHWC), Dense rows after a Flatten,
// and the errors for graphs Keras cannot express.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedOpError } from "../../src/core/errors.js";
import { GraphBuilder } from "../../src/graph/builder.js";
import { float32 } from "../../src/graph/tensor.js";
import type { Graph, Tensor } from "../../src/graph/types.js";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { readTfjsLayersModel, writeTfjsLayersModel } from "../../src/formats/tfjs/layers-model.js";
import { encodeLayersModel } from "../../src/formats/tfjs/layers-writer/write.js";
import { compareOutputs } from "../../src/runtime/compare.js";
import { runOrt } from "../../src/runtime/ort.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { loadTfjsLayersModelAsOnnx } from "../../src/runtime/tfjs/layers-model.js";
import { randomTensor } from "../helpers/tfjs-graphs.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "layers-writer-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Writes `graph` as a layers model, runs it with tfjs-layers and returns the worst relative difference from onnxruntime. */
async function worstVsOrt(graph: Graph, name: string): Promise<number> {
  const path = join(dir, name);
  await writeTfjsLayersModel(graph, path);
  const feeds = randomInputs(graph, { seed: 3, batch: 2 });
  const runner = await loadTfjsLayersModelAsOnnx(path, { backend: "cpu" });
  let got: Record<string, Tensor>;
  try {
    got = await runner.run(feeds);
  } finally {
    runner.dispose();
  }
  const diffs = compareOutputs(got, await runOrt(graph, feeds));
  expect(diffs.map((d) => d.mismatch ?? "")).toEqual(diffs.map(() => ""));
  return Math.max(...diffs.map((d) => d.maxRel));
}

/** conv → BN → relu6 → max pool → flatten → relu → dense: a Flatten of a channels-last image before a Dense. */
function convNet(): Graph {
  const b = new GraphBuilder({ name: "conv_net", opset: 13 });
  const x = b.input("image", "float32", ["N", 3, 10, 10]);
  let y = b.node("Conv", [x, b.initializer("w1", randomTensor([6, 3, 3, 3], 1, -0.5, 0.5)), b.initializer("b1", randomTensor([6], 2))], { pads: [1, 1, 1, 1] })[0]!;
  y = b.node("BatchNormalization", [y, b.initializer("g", randomTensor([6], 3, 0.5, 1.5)), b.initializer("be", randomTensor([6], 4)), b.initializer("m", randomTensor([6], 5)), b.initializer("v", randomTensor([6], 6, 0.5, 2))], { epsilon: 1e-5 })[0]!;
  y = b.node("Clip", [y, b.constant(float32([], [0])), b.constant(float32([], [6]))])[0]!;
  const dw = b.node("Conv", [y, b.initializer("dw", randomTensor([12, 1, 3, 3], 7, -0.5, 0.5))], { group: 6, strides: [2, 2], pads: [0, 0, 0, 0] })[0]!;
  y = b.node("MaxPool", [dw], { kernel_shape: [2, 2], strides: [2, 2] })[0]!;
  y = b.node("Flatten", [y], { axis: 1 })[0]!;
  y = b.node("Relu", [y])[0]!;
  y = b.node("Gemm", [y, b.initializer("fc", randomTensor([5, 48], 8, -0.3, 0.3)), b.initializer("fcb", randomTensor([5], 9))], { transB: 1 })[0]!;
  b.output(y, "logits");
  b.output(dw, "features");
  return b.build();
}

/** Two branches added and concatenated, global-pooled: a Functional model with image and pooled outputs. */
function branches(): Graph {
  const b = new GraphBuilder({ name: "branches", opset: 13 });
  const x = b.input("x", "float32", ["N", 4, 8, 8]);
  const a = b.node("Conv", [x, b.initializer("wa", randomTensor([4, 4, 3, 3], 11, -0.5, 0.5))], { pads: [1, 1, 1, 1] })[0]!;
  const c = b.node("Conv", [x, b.initializer("wc", randomTensor([4, 4, 1, 1], 12, -0.5, 0.5))])[0]!;
  const sum = b.node("Add", [a, c])[0]!;
  const cat = b.node("Concat", [sum, b.node("Sigmoid", [x])[0]!], { axis: 1 })[0]!;
  const avg = b.node("AveragePool", [cat], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 })[0]!;
  const pooled = b.node("GlobalAveragePool", [avg])[0]!;
  const probs = b.node("Softmax", [b.node("Flatten", [pooled])[0]!], { axis: 1 })[0]!;
  b.output(pooled, "pooled");
  b.output(probs, "probs");
  return b.build();
}

describe("TF.js layers model writer vs onnxruntime (tfjs-layers' own loadLayersModel)", () => {
  it("a PyTorch CNN export (Conv, ReLU6 from Constant bounds, residual Add, MaxPool, Flatten, Gemm)", async () => {
    expect(await worstVsOrt(await readOnnx("test/fixtures/pytorch/cnn_bn.onnx"), "cnn_bn")).toBeLessThan(1e-5);
  });

  it("the residual CNN fixture (global pool then Flatten and Gemm)", async () => {
    expect(await worstVsOrt(await readOnnx("test/fixtures/models/residual_cnn.onnx"), "residual_cnn")).toBeLessThan(1e-5);
  });

  it("a Sequential conv net: BatchNorm, depthwise conv, Dense rows reordered after a channels-last Flatten", async () => {
    const graph = convNet();
    expect(await worstVsOrt(graph, "conv_net")).toBeLessThan(1e-5);
    const json = JSON.parse(await readFile(join(dir, "conv_net", "model.json"), "utf8"));
    expect(json.format).toBe("layers-model");
    expect(json.userDefinedMetadata.compactor.inputs).toEqual([{ onnx: "image", keras: "image", layout: "NHWC" }]);
    expect(json.userDefinedMetadata.compactor.outputs.map((o: { layout: string }) => o.layout)).toEqual(["same", "NHWC"]);
  });

  it("a Functional model with merges, Concat on channels, padded average pool and a pooled output", async () => {
    const graph = branches();
    expect(await worstVsOrt(graph, "branches")).toBeLessThan(1e-5);
    const json = JSON.parse(await readFile(join(dir, "branches", "model.json"), "utf8"));
    expect(json.modelTopology.class_name).toBe("Model");
  });

  it("a chain is written as a Sequential model, which our layers reader reads back to the same function", async () => {
    const b = new GraphBuilder({ name: "mlp", opset: 13 });
    let y = b.input("x", "float32", ["N", 6]);
    y = b.node("MatMul", [y, b.initializer("w", randomTensor([6, 4], 21))])[0]!;
    y = b.node("Add", [y, b.initializer("bias", randomTensor([4], 22))])[0]!;
    y = b.node("Tanh", [y])[0]!;
    b.output(b.node("Softmax", [y], { axis: -1 })[0]!, "p");
    const graph = b.build();
    expect(await worstVsOrt(graph, "mlp")).toBeLessThan(1e-6);
    const json = JSON.parse(await readFile(join(dir, "mlp", "model.json"), "utf8"));
    expect(json.modelTopology.class_name).toBe("Sequential");
    expect(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(["Dense", "Activation", "Softmax"]);
    const back = await readTfjsLayersModel(join(dir, "mlp"));
    const feeds = randomInputs(graph, { seed: 4, batch: 3 });
    // A Sequential model names its input after its first layer: fed by position.
    expect(back.inputs.map((i) => i.shape)).toEqual([["batch", 6]]);
    const read = await runOrt(back, { [back.inputs[0]!.name]: feeds.x! });
    const diffs = compareOutputs({ p: Object.values(read)[0]! }, await runOrt(graph, feeds));
    expect(diffs[0]!.maxRel).toBeLessThan(1e-6);
  });

  it("lists every node Keras cannot express, with the op names, and suggests the graph model", async () => {
    const graph = await readOnnx("test/fixtures/models/shuffle_block.onnx");
    let error: unknown;
    try {
      encodeLayersModel(graph);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpError);
    const message = (error as Error).message;
    for (const op of ["Shape", "Gather", "Resize", "PRelu", "Transpose"]) expect(message).toContain(op);
    expect(message).toContain("--to tfjs");
  });

  it("refuses grouped convolutions and inputs of unknown size by name", () => {
    const b = new GraphBuilder({ name: "grouped", opset: 13 });
    const x = b.input("x", "float32", ["N", 4, "H", 8]);
    b.output(b.node("Conv", [x, b.initializer("w", randomTensor([4, 2, 3, 3], 1))], { group: 2 }, { name: "grouped_conv" })[0]!, "y");
    expect(() => encodeLayersModel(b.build())).toThrow(/input "x": Keras needs every dimension but the batch known/);
    const c = new GraphBuilder({ name: "grouped", opset: 13 });
    const x2 = c.input("x", "float32", ["N", 4, 8, 8]);
    c.output(c.node("Conv", [x2, c.initializer("w", randomTensor([4, 2, 3, 3], 1))], { group: 2 }, { name: "grouped_conv" })[0]!, "y");
    expect(() => encodeLayersModel(c.build())).toThrow(/node "grouped_conv" \(Conv\): group = 2 is neither 1 nor depthwise/);
  });
});
