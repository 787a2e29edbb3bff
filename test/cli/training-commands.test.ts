// `compactor apply`, `eval` and `demo`, end to end through bin/compactor.js
// (test/global-setup.ts builds dist/): JSON outputs, a recipe recorded in
// process replays to the same weights, bad recipes fail with "must be one of".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { models } from "../../src/models/index.js";
import { train } from "../../src/train/steps.js";

const ROOT = join(import.meta.dirname, "..", "..");
let tmp = "";

function compactor(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "compactor.js"), ...args], { cwd: tmp, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "compactor-train-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("compactor apply / eval", () => {
  it("applies an inline recipe, prints one JSON document, and eval reads the result", () => {
    const out = join(tmp, "trained.onnx");
    const recipe = JSON.stringify([{ step: "train", data: "mnist:train.take(512)", epochs: 2, batchSize: 32, seed: 3 }]);
    const r = compactor("apply", recipe, "mlp:784-32-10", "-o", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.output).toBe(out);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0].step).toBe("train");
    expect(result.steps[0].metrics.samplesPerSec).toBeGreaterThan(0);
    expect(result.steps[0].metrics.epochs).toBe(2);

    const e = compactor("eval", out, "--data", "mnist:test", "--json");
    expect(e.code, e.stderr).toBe(0);
    const report = JSON.parse(e.stdout);
    expect(report.samples).toBe(2000);
    expect(report.accuracy).toBeGreaterThan(0.6);
    expect(report.loss).toBeGreaterThan(0);
    const tfjs = JSON.parse(compactor("eval", out, "--data", "mnist:test", "--backend", "tfjs", "--json").stdout);
    expect(tfjs.accuracy).toBeCloseTo(report.accuracy, 3);
  });

  it("replays model.recipe to the same weights", async () => {
    const model = await models.mlp([784, 16, 10], { seed: 4 }).apply(train({ data: "mnist:train.take(256)", epochs: 1, batchSize: 32, seed: 9, display: false }));
    const recipeFile = join(tmp, "recipe.json");
    writeFileSync(recipeFile, JSON.stringify(model.recipe));
    const out = join(tmp, "replayed.onnx");
    const r = compactor("apply", recipeFile, model.source!, "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const replayed = await readOnnx(out);
    for (const name of ["fc1.weight", "fc1.bias", "fc2.weight"]) {
      const a = model.graph.initializers.get(name)!.data as Float32Array;
      const b = replayed.initializers.get(name)!.data as Float32Array;
      expect(b.length).toBe(a.length);
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
      expect(max).toBeLessThan(1e-6);
    }
  });

  it("rejects unknown steps and options with must be one of, before training", () => {
    const r = compactor("apply", '[{"step":"prune.fancy"},{"step":"train","data":"mnist:train","epoch":3}]', "mlp:784-8-10", "-o", join(tmp, "x.onnx"), "--json");
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stdout).error;
    expect(error.message).toMatch(/step 1 \("prune.fancy"\): step must be one of \[(?=[^\]]*\btrain\b)(?=[^\]]*prune\.channels)[^\]]*\], got "prune\.fancy"/);
    expect(error.message).toMatch(/step 2 \("train"\): .*training option must be one of \[.*\], got "epoch"/s);
    expect(existsSync(join(tmp, "x.onnx"))).toBe(false);
    const e = compactor("eval", "mlp:784-8-10", "--backend", "gpu");
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("--backend must be one of [ort, tfjs]");
  });
});

describe("compactor demo", () => {
  it("--quick trains, distills, compares and writes a standalone report.html", () => {
    const report = join(tmp, "report.html");
    const r = compactor("demo", "--quick", "--out", report, "--json");
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.models.map((m: { model: string }) => m.model)).toEqual(["teacher 784-1200-1200-10", "student alone", "student distilled"]);
    for (const m of result.models) {
      expect(m.accuracy).toBeGreaterThan(0.2);
      expect(m.params).toBeGreaterThan(0);
      expect(m.latencyMs).toBeGreaterThan(0);
    }
    expect(result.models[2].recipe[0].step).toBe("distill");
    const html = readFileSync(report, "utf8");
    expect(html).toContain("window.Plotly");
    expect(html.match(/class="compactor-plot"/g)).toHaveLength(4);
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("prints the comparison table once in text mode, then the report's path", () => {
    const report = join(tmp, "report-text.html");
    const r = compactor("demo", "--quick", "--out", report);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/comparison on the test split/g)).toHaveLength(1);
    expect(r.stdout).toContain(`report: ${report}`);
  });
});
