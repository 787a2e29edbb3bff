// What a new user types: `compactor apply '[{"step":"prune.channels",…}]'
// resnet18.onnx -o small.onnx`, then `compactor bench small.onnx`. The saved
// file is smaller, checked against onnxruntime by the save, valid for
// onnx.checker (Debian's python3-onnx), and bench runs it. (Speed is measured
// in bench/prune.mjs, not asserted here: the machine is shared.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { summarize } from "../../src/graph/counts.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RESNET18 = join(ROOT, "test", "fixtures", "large", "resnet18.onnx");
let tmp = "";

function compactor(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "compactor.js"), ...args], { cwd: tmp, encoding: "utf8", timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function onnxChecker(file: string) {
  return spawnSync("/usr/bin/python3", ["-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", file], { encoding: "utf8" });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "compactor-prune-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("compactor apply prune.*", () => {
  it("prune.channels on an MLP spec, as JSON", () => {
    const out = join(tmp, "mlp.onnx");
    const r = compactor("apply", '[{"step":"prune.channels","ratio":0.5,"importance":"l1","latency":false}]', "mlp:784-64-32-10", "-o", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const { steps } = JSON.parse(r.stdout);
    expect(steps[0].step).toBe("prune.channels");
    expect(steps[0].metrics["params ratio"]).toBeLessThan(0.55);
    expect(existsSync(out)).toBe(true);
  });

  it("prune.channels without data for activation importance says what to pass, before loading", () => {
    const r = compactor("apply", '[{"step":"prune.channels","ratio":0.5,"importance":"activation"}]', "mlp:784-16-10", "-o", join(tmp, "x.onnx"), "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toMatch(/importance "activation" reads activations on data: pass data, e\.g\. data: "mnist:train"/);
    expect(existsSync(join(tmp, "x.onnx"))).toBe(false);
  });

  // test/global-setup.ts exports resnet18.onnx with Debian's PyTorch when it is missing.
  it("resnet18.onnx → small.onnx: smaller, valid ONNX, checked, shown in tables; bench runs it", async () => {
    const small = join(tmp, "small.onnx");
    const r = compactor("apply", '[{"step":"prune.channels","ratio":0.5,"importance":"l1"}]', RESNET18, "-o", small);
    expect(r.code, r.stderr).toBe(0);
    // In text mode the step's tables and text twins print to stdout, then the summary.
    expect(r.stdout).toMatch(/prune\.channels: \d+ dependency groups/);
    expect(r.stdout).toMatch(/latency ratio/);
    expect(r.stdout).toMatch(/saved .*small\.onnx .*max relative error of the file on onnxruntime vs the model on tfjs/);
    expect(statSync(small).size).toBeLessThan(0.6 * statSync(RESNET18).size);
    const [before, after] = [summarize(await readOnnx(RESNET18)), summarize(await readOnnx(small))];
    expect(after.params).toBeLessThan(0.6 * before.params);
    expect(after.macs).toBeLessThan(0.6 * before.macs);
    const checked = onnxChecker(small);
    expect(checked.status, checked.stderr).toBe(0);
    const b = compactor("bench", small, "--batch", "8", "--runs", "3", "--warmup", "1", "--warmup-s", "0", "--json");
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).results[0]).toMatchObject({ backend: "ort", runs: 3 });
  }, 600_000);
});
