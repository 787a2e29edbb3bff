// Every registered format through the registry: found by content (whatever
// the file is called), read by load(), written by model.save() with its check
// (TF.js models run by TF.js's own loaders against onnxruntime; weight files
// read back bit for bit).
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormatError } from "../../src/core/errors.js";
import { readSafetensors } from "../../src/formats/safetensors/safetensors.js";
import { detectFormat, formatNames } from "../../src/formats/registry.js";
import { load } from "../../src/model/load.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "registry-formats-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const formatOf = async (path: string) => (await detectFormat(path))?.name;

describe("the format registry", () => {
  it("registers onnx, npz, safetensors, pytorch, tfjs and tfjs-layers", () => {
    expect(formatNames()).toEqual(["onnx", "npz", "safetensors", "pytorch", "tfjs", "tfjs-layers"]);
    expect(formatNames("model")).toEqual(["onnx", "tfjs", "tfjs-layers"]);
  });

  it("detects each format by content, under misleading names too", async () => {
    const misnamed = async (from: string, as: string) => {
      const to = join(dir, as);
      await copyFile(from, to);
      return formatOf(to);
    };
    expect(await formatOf("test/fixtures/pytorch/cnn_bn.pt")).toBe("pytorch");
    expect(await misnamed("test/fixtures/pytorch/cnn_bn.pt", "weights.onnx")).toBe("pytorch");
    expect(await misnamed("test/fixtures/pytorch/cnn_bn.pt", "weights")).toBe("pytorch");
    expect(await misnamed("test/fixtures/pytorch/mlp_norms.safetensors", "weights.dat")).toBe("safetensors");
    expect(await misnamed("test/fixtures/pytorch/mlp_norms.safetensors", "weights.pt")).toBe("safetensors");
    expect(await misnamed("test/fixtures/pytorch/cnn_bn.onnx", "model.bin")).toBe("onnx");
    expect(await formatOf("test/fixtures/tfjs-layers/mlp")).toBe("tfjs-layers");
    expect(await formatOf("test/fixtures/tfjs-layers/cnn/model.json")).toBe("tfjs-layers");
    // A layers model.json copied elsewhere under another name is still a layers model.
    expect(await misnamed("test/fixtures/tfjs-layers/mlp/model.json", "topology.txt")).toBe("tfjs-layers");
  });

  it("a folder without a model.json is no format, said with what would be", async () => {
    await mkdir(join(dir, "empty"));
    await expect(detectFormat(join(dir, "empty"))).rejects.toThrow(FormatError);
    await expect(detectFormat(join(dir, "empty"))).rejects.toThrow(/tfjs/);
  });
});

describe("load() and model.save() in every model format", () => {
  it("saves a PyTorch export as a TF.js graph model, checked by tf.loadGraphModel, and loads it back", async () => {
    const model = await load("test/fixtures/pytorch/cnn_bn.onnx");
    const out = join(dir, "cnn_tfjs");
    const report = await model.save(out, { format: "tfjs" });
    expect(report.format).toBe("tfjs");
    expect(report.maxRelativeError).toBeLessThan(1e-4);
    expect(report.bytes).toBeGreaterThan(10_000);
    expect(await formatOf(out)).toBe("tfjs");
    expect(await formatOf(join(out, "model.json"))).toBe("tfjs");
    const back = await load(out);
    expect(back.graph.inputs.map((i) => i.name)).toEqual(model.graph.inputs.map((i) => i.name));
    const feeds = (await import("../../src/runtime/random-inputs.js")).randomInputs(model.graph, { seed: 5, batch: 2 });
    const [a, b] = await Promise.all([back.run(feeds, { runtime: "ort" }), model.run(feeds, { runtime: "ort" })]);
    const { compareOutputs } = await import("../../src/runtime/compare.js");
    expect(Math.max(...compareOutputs(a, b).map((d) => d.maxRel))).toBeLessThan(1e-5);
  });

  it("saves as a TF.js layers model, checked by tf.loadLayersModel, found by its extension-less folder's content", async () => {
    const model = await load("test/fixtures/pytorch/cnn_bn.onnx");
    const out = join(dir, "cnn_layers");
    const report = await model.save(out, { format: "tfjs-layers" });
    expect(report.maxRelativeError).toBeLessThan(1e-4);
    expect(await formatOf(out)).toBe("tfjs-layers");
    const back = await load(out);
    expect(back.graph.nodes.length).toBeGreaterThan(0);
  });

  it("saves a model's weights as safetensors (read back bit for bit), and refuses loading them as a model", async () => {
    const model = await load("test/fixtures/pytorch/cnn_bn.onnx");
    const out = join(dir, "cnn.safetensors");
    const report = await model.save(out);
    expect(report).toMatchObject({ format: "safetensors", maxRelativeError: 0 });
    const { tensors } = await readSafetensors(out);
    expect([...tensors.keys()].sort()).toEqual([...model.graph.initializers.keys()].sort());
    await expect(load(out)).rejects.toThrow(/holds weights, not a model graph/);
  });

  it("names the formats it can write when the extension says none", async () => {
    const model = await load("test/fixtures/pytorch/cnn_bn.onnx");
    await expect(model.save(join(dir, "out"))).rejects.toThrow(/\{ format: "tfjs" \}/);
    await expect(model.save(join(dir, "w.pt"))).rejects.toThrow(/reads PyTorch checkpoint .* but does not write it/);
  });

  it("load(weights, { graph }) puts a PyTorch state_dict onto its export: PyTorch's outputs reproduced", async () => {
    await expect(load("test/fixtures/pytorch/cnn_bn.pt")).rejects.toThrow(/load\("test\/fixtures\/pytorch\/cnn_bn.pt", \{ graph: "model.onnx" \}\)/);
    const model = await load("test/fixtures/pytorch/cnn_bn.pt", { graph: "test/fixtures/pytorch/cnn_bn.onnx" });
    const { readNpz } = await import("../../src/formats/numpy/npz.js");
    const { compareOutputs } = await import("../../src/runtime/compare.js");
    const feeds = Object.fromEntries(await readNpz("test/fixtures/pytorch/cnn_bn.inputs.npz"));
    const expected = Object.fromEntries(await readNpz("test/fixtures/pytorch/cnn_bn.outputs.npz"));
    const diffs = compareOutputs(await model.run(feeds, { runtime: "ort" }), expected);
    expect(diffs).toHaveLength(1);
    expect(diffs[0]!.maxRel).toBeLessThan(1e-4);
  });

  it("reads a TF.js layers model written by tfjs-layers itself", async () => {
    const model = await load("test/fixtures/tfjs-layers/functional");
    expect(JSON.parse(await readFile("test/fixtures/tfjs-layers/functional/model.json", "utf8")).format).toBe("layers-model");
    expect(model.graph.outputs.length).toBeGreaterThan(0);
  });
});
