// Saving and loading through the format registry: a checked ONNX save round
// trips, a save whose check fails keeps the file and says so, and every bad
// path or file given to load() or save() is named with what to do.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CompactorError, FormatError } from "../core/errors.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import { writeNpz } from "../formats/numpy/npz.js";
import { load } from "./load.js";
import { Model } from "./model.js";
import { saveChecked } from "./save.js";

function linear() {
  const b = new GraphBuilder({ name: "linear", opset: 17 });
  const x = b.input("x", "float32", ["N", 3]);
  const [h] = b.node("Gemm", [x, b.initializer("w", float32([3, 2], [1, -1, 2, 0.5, -3, 1])), b.initializer("b", float32([2], [0.1, -0.2]))]);
  b.output(b.node("Relu", [h!])[0]!, "y");
  return b.build();
}

const dir = mkdtempSync(join(tmpdir(), "compactor-save-"));

describe("save", () => {
  it("writes ONNX, checks it in onnxruntime against tfjs, and load() reads it back", async () => {
    const path = join(dir, "linear.onnx");
    const report = await new Model(linear()).save(path);
    expect(report).toMatchObject({ path, format: "onnx", bytes: readFileSync(path).length });
    expect(report.maxRelativeError).toBeLessThan(1e-6);
    const loaded = await load(path);
    expect(loaded.source).toBe(path);
    expect([...loaded.graph.initializers.keys()].sort()).toEqual(["b", "w"]);
  });

  it("fails loudly when the check fails, keeping the file for inspection", async () => {
    const path = join(dir, "strict.onnx");
    // No save can meet a negative tolerance: this drives the mismatch path itself.
    const failed = saveChecked(linear(), path, { tolerance: -1 });
    await expect(failed).rejects.toThrow(CompactorError);
    await expect(saveChecked(linear(), path, { tolerance: -1 })).rejects.toThrow(/differ from the in-memory model by .* The file is kept for inspection/);
    expect(existsSync(path)).toBe(true);
  });

  it("names what it cannot save", async () => {
    const model = new Model(linear());
    await expect(model.save(join(dir, "model.xyz"))).rejects.toThrow(/cannot tell which format to write from its extension; use one of \.onnx/);
    // Weight formats save the initializers (checked by reading them back); PyTorch checkpoints are read only.
    await expect(model.save(join(dir, "weights.npz"))).resolves.toMatchObject({ format: "npz", maxRelativeError: 0 });
    await expect(model.save(join(dir, "weights.pt"))).rejects.toThrow(/reads PyTorch checkpoint .* but does not write it; write one of onnx, npz, safetensors, tfjs, tfjs-layers/);
    await expect(model.save(join(dir, "m.bin"), { format: "pdf" })).rejects.toThrow(/format must be one of \[onnx, npz/);
  });
});

describe("load", () => {
  it("takes zoo specs", async () => {
    const model = await load("mlp:784-16-10");
    expect(model.summary().params).toBe(784 * 16 + 16 + 16 * 10 + 10);
  });

  it("names every kind of bad argument", async () => {
    await expect(load("")).rejects.toThrow(/load\(\) takes a file path or a model spec/);
    await expect(load(join(dir, "missing.onnx"))).rejects.toThrow(/no such file, and not a model spec .*files: onnx/);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "hello");
    await expect(load(text)).rejects.toThrow(FormatError);
    await expect(load(text)).rejects.toThrow(/not a format compactor knows/);
    const garbage = join(dir, "garbage.onnx");
    writeFileSync(garbage, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    await expect(load(garbage)).rejects.toThrow(/garbage.onnx: not an ONNX model/);
  });

  it("finds the format by content, not only by extension", async () => {
    const weights = join(dir, "weights.onnx");
    await writeNpz(weights, { w: float32([2], [1, 2]) });
    await expect(load(weights)).rejects.toThrow(/NumPy .npz archive of named arrays: it holds weights, not a model graph/);
    const renamed = join(dir, "model.bin");
    await new Model(linear()).save(join(dir, "for-rename.onnx"));
    writeFileSync(renamed, readFileSync(join(dir, "for-rename.onnx")));
    expect((await load(renamed)).graph.name).toBe("linear");
  });
});
