// TF.js models in and out, against the real thing: the graph models compactor
// writes are run by tfjs-converter's own loadGraphModel and compared with
// onnxruntime on the foundation fixtures; read back, they give onnxruntime the
// same answers; the layers models tfjs-layers itself wrote
// (scripts/make-tfjs-layers-fixtures.mjs) read into graphs that reproduce
// tfjs-layers' predictions.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNpz } from "../../src/formats/numpy/npz.js";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { readTfjsGraphModel, writeTfjsGraphModel } from "../../src/formats/tfjs/graph-model.js";
import { readTfjsLayersModel } from "../../src/formats/tfjs/layers-model.js";
import { makeTensor } from "../../src/graph/tensor.js";
import type { Tensor } from "../../src/graph/types.js";
import { compareOutputs } from "../../src/runtime/compare.js";
import { runOrt } from "../../src/runtime/ort.js";
import { loadTfjsGraphModel } from "../../src/runtime/tfjs/graph-model.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tfjs-io-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const worst = (got: Record<string, Tensor>, want: Record<string, Tensor>) => {
  const diffs = compareOutputs(got, want);
  expect(diffs.filter((d) => d.mismatch !== undefined)).toEqual([]);
  expect(diffs.length).toBe(Object.keys(want).length);
  return Math.max(...diffs.map((d) => d.maxRel));
};

const FIXTURES = ["mlp", "residual_cnn", "mobile_block", "shuffle_block", "transformer", "vit", "lstm", "gru"];

describe("TF.js graph models: written, run by tf.loadGraphModel, read back", () => {
  for (const name of FIXTURES) {
    it(`${name}: tf.loadGraphModel matches onnxruntime, and the model read back matches too`, async () => {
      const graph = await readOnnx(`test/fixtures/models/${name}.onnx`);
      const feeds = Object.fromEntries(await readNpz(`test/fixtures/models/${name}.inputs.b3.npz`));
      const reference = await runOrt(graph, feeds);
      const path = join(dir, name);
      await writeTfjsGraphModel(graph, path);
      const runner = await loadTfjsGraphModel(path, { backend: "cpu" });
      try {
        expect(runner.inputs).toEqual(graph.inputs.map((i) => i.name));
        expect(worst(await runner.run(feeds), reference)).toBeLessThan(1e-4);
      } finally {
        runner.dispose();
      }
      // TF.js has no int64: token inputs are int32 in the TF.js model, and so in the graph read back.
      const back = await readTfjsGraphModel(path);
      const backFeeds = Object.fromEntries(back.inputs.map((i) => [i.name, i.dtype === "int32" && feeds[i.name]!.dtype === "int64" ? makeTensor("int32", feeds[i.name]!.dims, Int32Array.from(feeds[i.name]!.data as BigInt64Array, Number)) : feeds[i.name]!]));
      expect(back.inputs.map((i) => i.dtype)).toEqual(graph.inputs.map((i) => (i.dtype === "int64" ? "int32" : i.dtype)));
      expect(worst(await runOrt(back, backFeeds), reference)).toBeLessThan(1e-4);
    });
  }

  it("quantized weights (uint8, float16) stay close and the shards shrink", async () => {
    const graph = await readOnnx("test/fixtures/models/residual_cnn.onnx");
    const feeds = Object.fromEntries(await readNpz("test/fixtures/models/residual_cnn.inputs.b3.npz"));
    const reference = await runOrt(graph, feeds);
    const sizes: Record<string, number> = {};
    for (const quantize of [undefined, "float16", "uint8"] as const) {
      const path = join(dir, `q_${quantize ?? "none"}`);
      await writeTfjsGraphModel(graph, path, quantize ? { quantize } : {});
      const runner = await loadTfjsGraphModel(path, { backend: "cpu" });
      const error = worst(await runner.run(feeds), reference);
      runner.dispose();
      expect(error).toBeLessThan(quantize === "uint8" ? 5e-2 : quantize === "float16" ? 5e-3 : 1e-4);
      const { stat } = await import("node:fs/promises");
      sizes[quantize ?? "none"] = 0;
      for (const f of await readdir(path)) if (f.endsWith(".bin")) sizes[quantize ?? "none"]! += (await stat(join(path, f))).size;
    }
    expect(sizes.float16!).toBeLessThan(sizes.none! * 0.55);
    expect(sizes.uint8!).toBeLessThan(sizes.none! * 0.3);
  });
});

describe("TF.js layers models written by tfjs-layers, read as graphs", () => {
  for (const name of ["mlp", "cnn", "functional", "recurrent", "text"]) {
    it(`${name}: onnxruntime on the read graph reproduces tfjs-layers' predictions`, async () => {
      const graph = await readTfjsLayersModel(`test/fixtures/tfjs-layers/${name}`);
      const feeds = Object.fromEntries(await readNpz(`test/fixtures/tfjs-layers/${name}/inputs.npz`));
      const expected = Object.fromEntries(await readNpz(`test/fixtures/tfjs-layers/${name}/outputs.npz`));
      expect(graph.outputs.map((o) => o.name).sort()).toEqual(Object.keys(expected).sort());
      expect(worst(await runOrt(graph, feeds), expected)).toBeLessThan(1e-5);
    });
  }
});
