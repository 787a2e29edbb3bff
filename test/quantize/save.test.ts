// Quantized models save through the checked save like any other: the file read
// back runs in onnxruntime as written and matches the in-memory graph on the
// tfjs runtime (static QDQ, dynamic integer ops, int4 MatMulNBits).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { Model } from "../../src/model/model.js";
import { mlp } from "../../src/models/zoo.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { dynamic } from "../../src/compress/quantize/dynamic.js";
import { staticQuantize } from "../../src/compress/quantize/static.js";
import { weights } from "../../src/compress/quantize/weights.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "compactor-quant-save-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("saving quantized models", () => {
  it("static, dynamic and int4 models save checked, within the default tolerance", async () => {
    const cnn = await readOnnx("test/fixtures/models/residual_cnn.onnx");
    const net = mlp([784, 64, 10], { seed: 1 });
    const models = [
      await new Model(cnn).apply(staticQuantize({ calibration: randomInputs(cnn, { seed: 2, batch: 16 }), latencyAware: false, latency: false })),
      await new Model(net).apply(dynamic({ latency: false })),
      await new Model(net).apply(weights({ bits: 4, blockSize: 32, format: "matmulnbits", latency: false })),
    ];
    for (const [i, model] of models.entries()) {
      const saved = await model.save(join(dir, `q${i}.onnx`));
      expect(saved.maxRelativeError).toBeLessThanOrEqual(1e-4);
      expect((await readOnnx(saved.path)).nodes.length).toBe(model.graph.nodes.length);
    }
  });
});
