// The targets for static int8 on torchvision models exported by PyTorch
// (random weights, N(0,1) calibration inputs): output SQNR ≥ 20 dB against
// fp32 and a graph onnxruntime runs entirely on integer kernels. Latency is
// measured (and the per-layer choice made) here too, but its targets live in
// BENCHMARKS.md: timings on a shared machine are not unit-test material.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { Model } from "../../src/model/model.js";
import { ortOptimizedOpTypes } from "../../src/runtime/ort.js";
import { randomInputs } from "../../src/runtime/random-inputs.js";
import { staticQuantize } from "../../src/compress/quantize/static.js";

async function large(name: string) {
  const file = `test/fixtures/large/${name}.onnx`;
  if (!existsSync(file)) throw new Error(`${file} is missing: run /usr/bin/python3 scripts/make-fixtures.py --large`);
  return readOnnx(file);
}

describe("static int8 on torchvision models", () => {
  it("resnet18: every conv fused into QLinearConv, output SQNR ≥ 20 dB", async () => {
    const graph = await large("resnet18");
    const calibration = randomInputs(graph, { seed: 11, batch: 32 });
    const out = await new Model(graph).apply(staticQuantize({ calibration, latencyAware: false, latency: false }));
    expect(out.history[0]!.metrics.outputSqnrDb as number).toBeGreaterThanOrEqual(20);
    const ops = await ortOptimizedOpTypes(out.graph);
    expect(ops.filter((op) => op === "com.microsoft.QLinearConv")).toHaveLength(20);
    expect(ops.filter((op) => op === "Conv" || op === "DequantizeLinear")).toEqual([]);
    expect(out.history[0]!.metrics.sizeRatio as number).toBeLessThan(0.27);
  }, 300_000);

  it("mobilenet_v2, latency-aware: each layer timed, the choice explained, SQNR ≥ 20 dB", async () => {
    const graph = await large("mobilenet_v2");
    const calibration = randomInputs(graph, { seed: 12, batch: 32 });
    const out = await new Model(graph).apply(staticQuantize({ calibration }));
    const report = out.history[0]!;
    expect(report.metrics.outputSqnrDb as number).toBeGreaterThanOrEqual(20);
    expect(report.metrics.latencyMsBefore as number).toBeGreaterThan(0);
    expect(report.metrics.layersInt8 as number).toBeGreaterThan(0);
    expect((report.metrics.layersInt8 as number) + (report.metrics.layersFloat as number)).toBe(52 + 10 + 1 + 1);
  }, 600_000);
});
