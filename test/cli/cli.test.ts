// The `compactor` command, end to end: spawns `node bin/compactor.js` against
// the compiled dist/ (test/global-setup.ts rebuilds it when sources changed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeModel, readOnnx } from "../../src/formats/onnx/index.js";
import { readNpz, writeNpz } from "../../src/formats/numpy/npz.js";
import { makeTensor } from "../../src/graph/tensor.js";
import { DEFAULT_META, type Graph, type Tensor } from "../../src/graph/types.js";
import { compareOutputs } from "../../src/runtime/compare.js";

const ROOT = join(import.meta.dirname, "..", "..");
const MODELS = join(ROOT, "test", "fixtures", "models");
const model = (name: string) => join(MODELS, `${name}.onnx`);
let tmp = "";

function compactor(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "compactor.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(stdout: string): any {
  // Exactly one JSON document: the whole of stdout parses.
  return JSON.parse(stdout);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "compactor-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("compactor CLI", () => {
  it("lists its commands with --help and rejects unknown ones", () => {
    const help = compactor("--help");
    expect(help.code).toBe(0);
    for (const c of ["info", "run", "bench"]) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    const runHelp = compactor("run", "--help");
    expect(runHelp.stdout).toContain("--compare ort");
    const unknown = compactor("frobnicate");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "frobnicate"; must be one of [');
    const badFlag = compactor("info", model("mlp"), "--nope");
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain("--nope");
  });

  it("info --json describes inputs, outputs, ops, params, MACs, bytes and opset", () => {
    const r = compactor("info", model("residual_cnn"), "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.opset).toBe(13);
    expect(doc.inputs).toEqual([{ name: "image", dtype: "float32", shape: ["batch", 3, 32, 32] }]);
    expect(doc.outputs).toEqual([{ name: "logits", dtype: "float32", shape: ["batch", 10] }]);
    expect(doc.ops.Conv).toBe(6); // stem, 2 + 2 in the blocks, the 1x1 projection
    expect(doc.ops.Gemm).toBe(1);
    // Conv weights 3·16·9 + 2·16·16·9 + 16·32·9 + 32·32·9 + 16·32 = 19,376, plus conv biases
    // (BatchNorm folded in by the exporter) 16·3 + 32·3 = 144, plus the head 32·10 + 10 = 330.
    expect(doc.params).toBe(19_850);
    // Batch 1: stem 432·32² + block 1 4608·16² + block 2 (4608 + 9216)·8² + projection 512·8² + head 320.
    expect(doc.macs).toBe(2_539_840);
    expect(doc.bytes).toBeGreaterThanOrEqual(doc.params * 4);
    const text = compactor("info", model("residual_cnn"));
    expect(text.stdout).toContain("opset 13");
    expect(text.stdout).toContain("Conv");
  });

  it("run on onnxruntime reproduces the stored reference outputs from an .npz", async () => {
    const out = join(tmp, "out.npz");
    const r = compactor("run", model("gru"), "--backend", "ort", "--inputs", join(MODELS, "gru.inputs.b3.npz"), "--out", out, "--json");
    expect(r.stderr).toBe("");
    const doc = json(r.stdout);
    expect(doc.outputs[0]).toMatchObject({ name: "probs", dtype: "float32", shape: [3, 3] });
    const got = Object.fromEntries(await readNpz(out));
    const expected = Object.fromEntries(await readNpz(join(MODELS, "gru.outputs.b3.npz")));
    for (const d of compareOutputs(got, expected)) expect(d.maxRel).toBeLessThan(1e-6);
  });

  it("run makes seeded random inputs, resolving the batch axis with --batch", () => {
    const a = json(compactor("run", model("mlp"), "--backend", "ort", "--batch", "3", "--seed", "7", "--json").stdout);
    const b = json(compactor("run", model("mlp"), "--backend", "ort", "--batch", "3", "--seed", "7", "--json").stdout);
    const c = json(compactor("run", model("mlp"), "--backend", "ort", "--batch", "3", "--seed", "8", "--json").stdout);
    expect(a.outputs.map((o: any) => o.shape)).toEqual([[3, 10], [3, 1]]);
    expect(a.outputs).toEqual(b.outputs);
    expect(a.outputs).not.toEqual(c.outputs);
  });

  it("run --compare ort reports per-output errors and passes for a fixture on tfjs", () => {
    const r = compactor("run", model("mobile_block"), "--compare", "ort", "--batch", "2", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.backend).toBe("tfjs");
    expect(doc.compare.passed).toBe(true);
    expect(doc.compare.outputs[0].name).toBe("log_probs");
    expect(doc.compare.outputs[0].maxRel).toBeLessThanOrEqual(1e-4);
  });

  it("bench --json reports median and p90 per backend", () => {
    const r = compactor("bench", model("mlp"), "--backends", "tfjs,ort", "--batch", "2", "--runs", "3", "--warmup", "1", "--warmup-s", "0.2", "--json");
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.model).toBe(model("mlp"));
    expect(doc.batch).toBe(2);
    expect(doc.results.map((x: any) => x.backend)).toEqual(["tfjs", "ort"]);
    for (const x of doc.results) {
      expect(x.medianMs).toBeGreaterThan(0);
      expect(x.p90Ms).toBeGreaterThanOrEqual(x.medianMs);
    }
  });

  it("bench defaults to onnxruntime, the inference engine", () => {
    const r = compactor("bench", model("lstm"), "--runs", "2", "--warmup", "0", "--warmup-s", "0", "--json");
    expect(r.code).toBe(0);
    expect(json(r.stdout).results.map((x: any) => x.backend)).toEqual(["ort"]);
  });
});

describe("compactor CLI on bad input", () => {
  it("garbage .onnx: exit 1, a FormatError naming the file, no stack unless --verbose", () => {
    const bad = join(tmp, "garbage.onnx");
    writeFileSync(bad, Buffer.from("this is not a protobuf at all \xff\xff\xff\xff", "latin1"));
    const r = compactor("info", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(bad);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const verbose = compactor("info", bad, "--verbose");
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toContain("FormatError");
    expect(verbose.stderr).toMatch(/^\s+at /m);
    const asJson = compactor("info", bad, "--json");
    expect(json(asJson.stdout).error.name).toBe("FormatError");
  });

  it("truncated .onnx names the file", async () => {
    const { readFileSync } = await import("node:fs");
    const bytes = readFileSync(model("mlp"));
    const truncated = join(tmp, "truncated.onnx");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = compactor("run", truncated, "--backend", "ort");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(truncated);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it(".npz inputs with wrong names, dtypes and shapes: every problem, expected and got", async () => {
    const wrong = join(tmp, "wrong.npz");
    await writeNpz(
      wrong,
      new Map<string, Tensor>([
        ["sequence", makeTensor("float64", [3, 7, 10], new Float64Array(210))],
        ["extra", makeTensor("float32", [1], new Float32Array(1))],
      ]),
    );
    const r = compactor("run", model("gru"), "--inputs", wrong, "--backend", "ort");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown input: "extra"');
    expect(r.stderr).toContain('input "sequence": dtype expected float32 [batch, 7, 10], got float64 [3, 7, 10]');
    const misshaped = join(tmp, "misshaped.npz");
    await writeNpz(misshaped, new Map([["tokens", makeTensor("int64", [2, 5], new BigInt64Array(10))]]));
    const r2 = compactor("run", model("mlp"), "--inputs", misshaped);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('missing input: "features"');
    expect(r2.stderr).toContain('unknown input: "tokens"');
    const r3 = compactor("run", model("transformer"), "--inputs", misshaped, "--backend", "ort");
    expect(r3.stderr).toContain('input "tokens": dim 1 expected int64 [batch, 12], got int64 [2, 5]');
  });

  it("unsupported ops: every one listed with node names before anything runs", async () => {
    const base = await readOnnx(model("mlp"));
    const graph: Graph = {
      ...base,
      name: "two_strange_ops",
      nodes: [
        ...base.nodes,
        { name: "odd1", opType: "NoSuchOpA", domain: "", inputs: ["probs"], outputs: ["a"], attributes: {} },
        { name: "odd2", opType: "NoSuchOpB", domain: "", inputs: ["a"], outputs: ["b"], attributes: {} },
        { name: "odd3", opType: "NoSuchOpA", domain: "", inputs: ["b"], outputs: ["c"], attributes: {} },
      ],
      outputs: [{ name: "c", dtype: "float32", shape: ["batch", 10] }],
      meta: DEFAULT_META,
    };
    const path = join(tmp, "strange.onnx");
    writeFileSync(path, encodeModel(graph));
    const r = compactor("run", path, "--backend", "tfjs");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("NoSuchOpA");
    expect(r.stderr).toContain('"odd1", "odd3"');
    expect(r.stderr).toContain("NoSuchOpB");
    expect(r.stderr).toContain('"odd2"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("bad option values are named", () => {
    const r = compactor("run", model("mlp"), "--backend", "tpu");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--backend must be one of [tfjs, ort], got "tpu"');
    const r2 = compactor("bench", model("mlp"), "--runs", "zero");
    expect(r2.stderr).toContain('--runs must be an integer');
  });
});
