import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ShapeError, GraphError } from "../core/errors.js";
import { readOnnx } from "../formats/onnx/index.js";
import { allocate, makeTensor } from "../graph/tensor.js";
import { DEFAULT_META, type Graph, type Tensor } from "../graph/types.js";
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

describe("onnxruntime dtype mapping", () => {
  it("carries float16 as raw bits, int64 as BigInt64Array and bool as 0/1 bytes, both ways", async () => {
    const graph: Graph = {
      name: "dtypes",
      nodes: [
        { name: "to_half", opType: "Cast", domain: "", inputs: ["x"], outputs: ["half"], attributes: { to: { type: "int", value: 10 } } },
        { name: "half_back", opType: "Cast", domain: "", inputs: ["h"], outputs: ["h32"], attributes: { to: { type: "int", value: 1 } } },
        { name: "ids", opType: "Identity", domain: "", inputs: ["i"], outputs: ["i_out"], attributes: {} },
        { name: "negate", opType: "Not", domain: "", inputs: ["b"], outputs: ["b_out"], attributes: {} },
      ],
      inputs: [
        { name: "x", dtype: "float32", shape: [3] },
        { name: "h", dtype: "float16", shape: [2] },
        { name: "i", dtype: "int64", shape: [2] },
        { name: "b", dtype: "bool", shape: [2] },
      ],
      outputs: [
        { name: "half", dtype: "float16", shape: [3] },
        { name: "h32", dtype: "float32", shape: [2] },
        { name: "i_out", dtype: "int64", shape: [2] },
        { name: "b_out", dtype: "bool", shape: [2] },
      ],
      initializers: new Map(),
      valueInfo: new Map(),
      opsets: { "": 13 },
      meta: DEFAULT_META,
    };
    const out = await runOrt(graph, {
      x: makeTensor("float32", [3], Float32Array.from([1, -2, 0.5])),
      // 0x3c00 = 1.0, 0xc000 = -2.0 in IEEE half precision.
      h: makeTensor("float16", [2], Uint16Array.from([0x3c00, 0xc000])),
      i: makeTensor("int64", [2], BigInt64Array.from([2n ** 40n, -3n])),
      b: makeTensor("bool", [2], Uint8Array.from([1, 0])),
    });
    expect(out.half!.dtype).toBe("float16");
    expect(Array.from(out.half!.data as Uint16Array)).toEqual([0x3c00, 0xc000, 0x3800]);
    expect(Array.from(out.h32!.data as Float32Array)).toEqual([1, -2]);
    expect(out.i_out!.data).toEqual(BigInt64Array.from([2n ** 40n, -3n]));
    expect(out.b_out!.dtype).toBe("bool");
    expect(Array.from(out.b_out!.data as Uint8Array)).toEqual([0, 1]);
  });
});
