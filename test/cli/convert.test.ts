// `compactor convert` end to end (node bin/compactor.js on dist/): a PyTorch
// checkpoint and an ONNX export of its architecture in, ONNX / TF.js graph /
// TF.js layers models out, each run by its own runtime against PyTorch's
// outputs; weights between formats; and every bad input the issue lists,
// each named in the error.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNpz } from "../../src/formats/numpy/npz.js";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { readTorch } from "../../src/formats/pytorch/state-dict.js";
import { readSafetensors } from "../../src/formats/safetensors/safetensors.js";
import type { Tensor } from "../../src/graph/types.js";
import { compareOutputs } from "../../src/runtime/compare.js";
import { runOrt } from "../../src/runtime/ort.js";
import { loadTfjsGraphModel } from "../../src/runtime/tfjs/graph-model.js";
import { loadTfjsLayersModelAsOnnx } from "../../src/runtime/tfjs/layers-model.js";

const ROOT = join(import.meta.dirname, "..", "..");
const PT = join(ROOT, "test", "fixtures", "pytorch");
let tmp = "";

function compactor(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "compactor.js"), "convert", ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "compactor-convert-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Worst relative difference from PyTorch's own outputs for the fixture's inputs. */
async function vsPytorch(name: string, run: (feeds: Record<string, Tensor>) => Promise<Record<string, Tensor>>): Promise<number> {
  const feeds = Object.fromEntries(await readNpz(join(PT, `${name}.inputs.npz`)));
  const expected = Object.fromEntries(await readNpz(join(PT, `${name}.outputs.npz`)));
  const diffs = compareOutputs(await run(feeds), expected);
  expect(diffs.filter((d) => d.mismatch !== undefined)).toEqual([]);
  expect(diffs.length).toBe(Object.keys(expected).length);
  return Math.max(...diffs.map((d) => d.maxRel));
}

describe("compactor convert: PyTorch weights onto an export, out in every model format", () => {
  it("a .pt and its ONNX export in, a TF.js graph model out: tf.loadGraphModel reproduces PyTorch", async () => {
    const out = join(tmp, "cnn_web");
    const r = compactor(join(PT, "cnn_bn.pt"), "--graph", join(PT, "cnn_bn.onnx"), "-o", out, "--to", "tfjs", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.input).toEqual({ path: join(PT, "cnn_bn.pt"), format: "pytorch" });
    expect(json.output).toMatchObject({ format: "tfjs" });
    expect(json.output.maxRelativeError).toBeLessThan(1e-4);
    expect(json.weights).toHaveLength(10);
    expect(json.foldedBatchNorms).toHaveLength(4);
    expect(json.mapped.map((m: { kind: string }) => m.kind)).toEqual(["input", "output"]);
    const runner = await loadTfjsGraphModel(out, { backend: "cpu" });
    try {
      expect(await vsPytorch("cnn_bn", (f) => runner.run(f))).toBeLessThan(1e-4);
    } finally {
      runner.dispose();
    }
  });

  it("prints the weight mapping and what became what as text", () => {
    const r = compactor(join(PT, "cnn_bn.pt"), join(tmp, "cnn.onnx"), "--graph", join(PT, "cnn_bn.onnx"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("weights onto the graph: 10 initializers");
    expect(r.stdout).toContain("BatchNorm stem.1 folded in");
    expect(r.stdout).toMatch(/cnn_bn\.pt \(pytorch\) → .*cnn\.onnx \(onnx\): 14 ONNX nodes → 14 ONNX nodes/);
    expect(r.stdout).toMatch(/saved .*cnn\.onnx \(\d+ bytes, max relative error vs onnxruntime/);
  });

  it("the transformer encoder and the recurrent net: ONNX and TF.js graph outputs reproduce PyTorch", async () => {
    for (const name of ["encoder", "recurrent"]) {
      const onnx = join(tmp, `${name}.onnx`);
      expect(compactor(join(PT, `${name}.pt`), onnx, "--graph", join(PT, `${name}.onnx`)).code).toBe(0);
      const graph = await readOnnx(onnx);
      expect(await vsPytorch(name, (f) => runOrt(graph, f))).toBeLessThan(1e-4);
      const web = join(tmp, `${name}_web`);
      const r = compactor(onnx, web, "--to", "tfjs");
      expect(r.stderr).toBe("");
      const runner = await loadTfjsGraphModel(web, { backend: "cpu" });
      try {
        expect(await vsPytorch(name, (f) => runner.run(f))).toBeLessThan(1e-4);
      } finally {
        runner.dispose();
      }
    }
  });

  it("PyTorch weights taken to a Keras (TF.js layers) model: tf.loadLayersModel reproduces PyTorch, channels-last", async () => {
    const out = join(tmp, "cnn_keras");
    const r = compactor(join(PT, "cnn_bn.pt"), out, "--graph", join(PT, "cnn_bn.onnx"), "--to", "tfjs-layers");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Keras image (channels-last: NHWC)");
    const runner = await loadTfjsLayersModelAsOnnx(out, { backend: "cpu" });
    try {
      expect(await vsPytorch("cnn_bn", (f) => runner.run(f))).toBeLessThan(1e-4);
    } finally {
      runner.dispose();
    }
  });
});

describe("compactor convert: weights between formats", () => {
  it(".pt → safetensors → npz, tensor for tensor", async () => {
    const st = join(tmp, "w.safetensors");
    const r = compactor(join(PT, "cnn_bn.pt"), st, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatch(/tensors, read back bit for bit/);
    const torch = (await readTorch(join(PT, "cnn_bn.pt"))).tensors;
    const { tensors } = await readSafetensors(st);
    expect([...tensors.keys()].sort()).toEqual([...torch.keys()].sort());
    const bytes = (t: Tensor) => {
      const d = t.data as ArrayBufferView;
      return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    };
    for (const [k, t] of torch) {
      expect(tensors.get(k)!.dtype, k).toBe(t.dtype);
      expect(bytes(tensors.get(k)!).equals(bytes(t)), k).toBe(true);
    }
    // Found by content: the safetensors file renamed .bin is still read as safetensors.
    copyFileSync(st, join(tmp, "w.bin"));
    expect(compactor(join(tmp, "w.bin"), join(tmp, "w.npz")).code).toBe(0);
    expect([...(await readNpz(join(tmp, "w.npz"))).keys()].sort()).toEqual([...torch.keys()].sort());
  });
});

describe("compactor convert: bad input, each named", () => {
  it("weights to a model format without --graph say to pass --graph", () => {
    const r = compactor(join(PT, "cnn_bn.pt"), join(tmp, "x.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds weights .* Pass --graph model\.onnx/);
  });

  it("an unknown --to, a missing input and an output without a format", () => {
    expect(compactor(join(PT, "cnn_bn.onnx"), join(tmp, "y"), "--to", "keras").stderr).toMatch(/--to must be one of \[onnx, npz, safetensors, tfjs, tfjs-layers\], got "keras"/);
    expect(compactor(join(tmp, "nope.onnx"), join(tmp, "y.onnx")).stderr).toContain("nope.onnx: no such file or folder");
    expect(compactor(join(PT, "cnn_bn.onnx"), join(tmp, "folder")).stderr).toContain("pass --to");
  });

  it("a pickle naming a forbidden global, and a truncated checkpoint", () => {
    const evil = compactor(join(PT, "evil_system.pt"), join(tmp, "e.safetensors"));
    expect(evil.code).toBe(1);
    expect(evil.stderr).toMatch(/(posix|os)\.system/);
    const bytes = readFileSync(join(PT, "cnn_bn.pt"));
    writeFileSync(join(tmp, "cut.pt"), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cut = compactor(join(tmp, "cut.pt"), join(tmp, "cut.safetensors"));
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/cut\.pt/);
    expect(cut.stderr).toMatch(/truncated|zip|central directory|end of/i);
  });

  it("a TF.js model missing a shard names it; weight paths escaping the model's folder are refused", () => {
    const web = join(tmp, "shards");
    expect(compactor(join(ROOT, "test", "fixtures", "models", "residual_cnn.onnx"), web, "--to", "tfjs").code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(web, "model.json"), "utf8"));
    const shard = manifest.weightsManifest[0].paths[0] as string;
    const missing = join(tmp, "missing");
    cpSync(web, missing, { recursive: true });
    unlinkSync(join(missing, shard));
    const r = compactor(missing, join(tmp, "m.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`weight shard is missing from ${missing}: "${shard}"`);
    for (const bad of ["../secret.bin", "/etc/passwd", "https://example.com/w.bin"]) {
      const escaping = join(tmp, `escape_${bad.length}`);
      cpSync(web, escaping, { recursive: true });
      writeFileSync(join(escaping, "model.json"), JSON.stringify({ ...manifest, weightsManifest: [{ ...manifest.weightsManifest[0], paths: [bad] }] }));
      const e = compactor(escaping, join(tmp, "e.onnx"));
      expect(e.code, bad).toBe(1);
      expect(e.stderr, bad).toContain(`weight path "${bad}"`);
      expect(e.stderr, bad).toContain("only files inside the model's folder are read");
    }
  });

  it("a Keras model with unknown layers lists every one", () => {
    const dir = join(tmp, "unknown_layers");
    cpSync(join(ROOT, "test", "fixtures", "tfjs-layers", "cnn"), dir, { recursive: true });
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const layers = json.modelTopology.config.layers;
    layers[1].class_name = "FancyAttention";
    layers[3].class_name = "MysteryNorm";
    writeFileSync(join(dir, "model.json"), JSON.stringify(json));
    const r = compactor(dir, join(tmp, "u.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("FancyAttention");
    expect(r.stderr).toContain("MysteryNorm");
  });
});
