// Every PyTorch-exported fixture (MobileNet-style, ShuffleNet-style and
// residual CNNs, MLP, recurrent nets, transformers) takes a training step on
// wasm, with our gradient kernels, and gets finite gradients for every
// trainable weight that agree with tfjs's reference cpu backend.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect, afterAll } from "vitest";
import { decodeModel } from "../../../formats/onnx/index.js";
import { decodeNpz } from "../../../formats/numpy/npz.js";
import { initBackend } from "../backends.js";
import { gradientProblems, trainingStep } from "../../../../test/helpers/training-step.js";

const MODELS = "test/fixtures/models";
const names = existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -5)).sort() : [];

// Both backends sum in float32 in different orders (XNNPACK's blocked kernels
// against cpu's plain loops); over a few thousand terms that leaves ~1e-5 of
// the largest gradient. A missing or wrong kernel is off by O(1).
const RELATIVE_TOLERANCE = 1e-4;

describe.skipIf(names.length === 0)("fixtures train on wasm with cpu-matching gradients", () => {
  afterAll(async () => {
    await initBackend("wasm");
  });

  it.each(names)("%s", async (name) => {
    const graph = decodeModel(readFileSync(join(MODELS, `${name}.onnx`)), { file: `${name}.onnx` });
    const feeds = decodeNpz(readFileSync(join(MODELS, `${name}.inputs.b3.npz`)));
    const ref = await trainingStep(graph, feeds, "cpu");
    const got = await trainingStep(graph, feeds, "wasm");
    expect(ref.leaked, "tensors and buffers left by a cpu training step").toBe(0);
    expect(got.leaked, "tensors and buffers left by a wasm training step").toBe(0);
    expect(got.grads.size, "every trainable weight gets a gradient").toBe(got.trainable);
    expect(gradientProblems(ref, got, RELATIVE_TOLERANCE)).toEqual([]);
  });
});
