// Every PyTorch fixture on the webgpu backend (a GPU, or mesa's lavapipe in
// CI): inference matches onnxruntime, and a training step's loss and every
// weight's gradient match tfjs's cpu backend. This is what caught the webgpu
// kernels compactor replaces (src/runtime/tfjs/webgpu/kernel-fixes.ts) and
// webgpu's lack of synchronous reads under Node (compile's prepare()).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { decodeModel } from "../../src/formats/onnx/index.js";
import { decodeNpz } from "../../src/formats/numpy/npz.js";
import { initBackend } from "../../src/runtime/tfjs/backends.js";
import { takeDeviceErrors } from "../../src/runtime/tfjs/webgpu/device-errors.js";
import { expectMatchesOrt } from "../helpers/expect-matches-ort.js";
import { gradientProblems, trainingStep } from "../helpers/training-step.js";
import { WEBGPU, webgpuSuite } from "../helpers/webgpu-adapter.js";

const MODELS = join(import.meta.dirname, "..", "fixtures", "models");
const FIXTURES = readdirSync(MODELS)
  .filter((f) => f.endsWith(".onnx"))
  .map((f) => f.slice(0, -".onnx".length))
  .sort();
// float32 on both sides; WebGPU's sums run in another order than onnxruntime's
// or tfjs cpu's (measured: ≤ 3e-7 forward, ≤ 1e-5 gradients). A wrong kernel is off by O(1).
const RTOL = 1e-4;

webgpuSuite("PyTorch fixtures on webgpu", () => {
  afterAll(async () => {
    await initBackend("wasm");
  });

  it("runs on the adapter CI provides", () => {
    expect(WEBGPU.reason).toBeUndefined();
    expect(FIXTURES).toEqual(["gru", "lstm", "mlp", "mobile_block", "residual_cnn", "shuffle_block", "transformer", "vit"]);
  });

  for (const name of FIXTURES) {
    it(`${name}: inference matches onnxruntime, a training step's gradients match cpu`, async () => {
      const bytes = readFileSync(join(MODELS, `${name}.onnx`));
      const graph = decodeModel(bytes, { file: `${name}.onnx` });
      const feeds = decodeNpz(readFileSync(join(MODELS, `${name}.inputs.b3.npz`)));
      await expectMatchesOrt(graph, Object.fromEntries(feeds), { backend: "webgpu", rtol: RTOL });

      const ref = await trainingStep(graph, feeds, "cpu");
      const got = await trainingStep(graph, feeds, "webgpu");
      expect(got.leaked, "tensors and buffers left by a webgpu training step").toBe(0);
      expect(got.grads.size, "every trainable weight gets a gradient").toBe(got.trainable);
      expect(gradientProblems(ref, got, RTOL)).toEqual([]);
      expect(takeDeviceErrors()).toEqual([]);
    });
  }
});
