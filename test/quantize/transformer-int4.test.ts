// The large-model target for weight-only int4: a 4-layer transformer
// encoder exported by PyTorch (scripts/make-fixtures.py --large, made by the
// test setup when Debian's PyTorch is installed).
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readOnnx } from "../../src/formats/onnx/index.js";
import type { Graph } from "../../src/graph/types.js";
import { Model } from "../../src/model/model.js";
import { weights } from "../../src/compress/quantize/weights.js";

const FILE = "test/fixtures/large/transformer_encoder.onnx";
let graph: Graph;

beforeAll(async () => {
  if (!existsSync(FILE)) throw new Error(`${FILE} is missing: run /usr/bin/python3 scripts/make-fixtures.py --large`);
  graph = await readOnnx(FILE);
});

describe("transformer encoder, weight-only int4", () => {
  it("file ≤ 0.3× and output SQNR ≥ 15 dB against fp32, every MatMul/Gemm weight in MatMulNBits", async () => {
    const out = await new Model(graph).apply(weights({ bits: 4, latency: false }));
    const m = out.history[0]!.metrics;
    expect(m.sizeRatio as number).toBeLessThanOrEqual(0.3);
    expect(m.outputSqnrDb as number).toBeGreaterThanOrEqual(15);
    expect(out.graph.nodes.filter((n) => n.opType === "MatMul" && graph.initializers.has(n.inputs[1]!))).toHaveLength(0);
    expect(out.graph.nodes.filter((n) => n.opType === "MatMulNBits").length).toBeGreaterThanOrEqual(4 * 4);
  });
});
