import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ShapeError, GraphError } from "../errors.js";
import { readOnnx } from "../formats/onnx.js";
import { allocate, makeTensor } from "../graph/tensor.js";
import type { Graph, Tensor } from "../graph/types.js";
import { createOrtSession, ortVersion, runOrt } from "./ort.js";

const MODELS = join(import.meta.dirname, "..", "..", "test", "fixtures", "models");

function randomFloat32(dims: number[], seed: number): Tensor<"float32"> {
  const data = allocate("float32", dims.reduce((a, b) => a * b, 1));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return makeTensor("float32", dims, data);
}

describe("onnxruntime runtime", () => {
  it("reports its version", () => {
    expect(ortVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("runs a PyTorch-exported CNN with a dynamic batch and caches the session per graph", async () => {
    const graph = await readOnnx(join(MODELS, "residual_cnn.onnx"));
    const first = createOrtSession(graph);
    expect(createOrtSession(graph)).toBe(first);
    expect(createOrtSession(graph, { threads: 1 })).not.toBe(first);
    for (const batch of [1, 3]) {
      const out = await (await first).run({ image: randomFloat32([batch, 3, 32, 32], batch) });
      expect(Object.keys(out)).toEqual(["logits"]);
      expect(out.logits!.dtype).toBe("float32");
      expect(out.logits!.dims).toEqual([batch, 10]);
      expect(Array.from(out.logits!.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    // A copy of the graph is a different identity, so it gets its own session.
    const copy: Graph = { ...graph };
    expect(createOrtSession(copy)).not.toBe(first);
  });

  it("takes int64 inputs as BigInt64Array", async () => {
    const graph = await readOnnx(join(MODELS, "transformer.onnx"));
    const tokens = makeTensor("int64", [2, 12], BigInt64Array.from({ length: 24 }, (_, i) => BigInt((i * 7) % 50)));
    const out = await runOrt(graph, { tokens });
    expect(out.logits!.dims).toEqual([2, 4]);
  });

  it("lists every missing, unknown and mismatched input at once", async () => {
    const graph = await readOnnx(join(MODELS, "mlp.onnx"));
    const session = await createOrtSession(graph);
    const wrongDtype = makeTensor("float64", [1, 32], new Float64Array(32));
    const err = await session.run({ features2: wrongDtype, other: wrongDtype }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeError);
    const message = (err as Error).message;
    expect(message).toContain('missing input: "features"');
    expect(message).toContain('unknown inputs: "features2", "other"');

    const err2 = await session.run({ features: wrongDtype }).catch((e: unknown) => e);
    expect((err2 as Error).message).toContain('input "features": dtype expected float32 [batch, 32], got float64 [1, 32]');
    const err3 = await session.run({ features: randomFloat32([2, 31], 1) }).catch((e: unknown) => e);
    expect((err3 as Error).message).toContain('input "features": dim 1 expected float32 [batch, 32], got float32 [2, 31]');
    const err4 = await session.run({ features: randomFloat32([32], 1) }).catch((e: unknown) => e);
    expect((err4 as Error).message).toContain('input "features": rank expected');
  });

  it("fetches an intermediate value on request", async () => {
    const graph = await readOnnx(join(MODELS, "mlp.onnx"));
    const firstGemm = graph.nodes.find((n) => n.opType === "Gemm")!;
    const hidden = firstGemm.outputs[0]!;
    const withType: Graph = {
      ...graph,
      valueInfo: new Map([...graph.valueInfo, [hidden, { name: hidden, dtype: "float32" as const }]]),
    };
    const out = await runOrt(withType, { features: randomFloat32([2, 32], 3) }, { outputs: [hidden, "probs"] });
    expect(out[hidden]!.dims).toEqual([2, 64]);
    expect(out.probs!.dims).toEqual([2, 10]);
    await expect(runOrt(withType, { features: randomFloat32([2, 32], 3) }, { outputs: ["nope"] })).rejects.toThrow(GraphError);
  });
});
