// An interrupted `compactor apply` keeps its last good model, and the same
// command resumes from the recipe's checkpoint to exactly the weights of an
// uninterrupted run. End to end through bin/compactor.js (dist/, built by
// test/global-setup.ts): SIGINT is sent once the first checkpoint exists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOnnx } from "../../src/formats/onnx/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
let tmp = "";

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `interruptWhen` is polled and SIGINT sent the first time it holds. */
function compactor(args: string[], interruptWhen?: () => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "compactor.js"), ...args], { cwd: tmp });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const poll = interruptWhen
      ? setInterval(() => {
          if (interruptWhen()) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 20)
      : undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "compactor-apply-interrupt-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("compactor apply, interrupted", () => {
  it("saves the last good model, exits 130, and resumes from its checkpoint to the uninterrupted weights", async () => {
    const dir = join(tmp, "checkpoints");
    const step = { step: "train", data: "mnist:train.take(2048)", epochs: 3, batchSize: 32, seed: 5 };
    const withCheckpoints = join(tmp, "recipe.json");
    writeFileSync(withCheckpoints, JSON.stringify([{ ...step, checkpoint: { every: 8, dir } }]));
    const checkpointWritten = () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".npz"));

    const stopped = await compactor(["apply", withCheckpoints, "mlp:784-64-10", "-o", join(tmp, "stopped.onnx"), "--json"], checkpointWritten);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain("SIGINT: stopping after the current batch");
    const report = JSON.parse(stopped.stdout);
    expect(report.interrupted).toBe(true);
    const stoppedAt = report.steps[0].metrics.steps as number;
    expect(stoppedAt).toBeGreaterThanOrEqual(8);
    expect(stoppedAt).toBeLessThan(3 * 64);
    // The model saved is a whole, checked model (save compares it with onnxruntime).
    const last = await readOnnx(join(tmp, "stopped.onnx"));
    expect(last.initializers.get("fc1.weight")!.dims).toEqual([64, 784]);

    const resumed = await compactor(["apply", withCheckpoints, "mlp:784-64-10", "-o", join(tmp, "resumed.onnx"), "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const metrics = JSON.parse(resumed.stdout).steps[0].metrics;
    expect(metrics.resumedAtStep).toBe(stoppedAt);
    expect(metrics.steps).toBe(3 * 64);

    const plain = join(tmp, "plain.json");
    writeFileSync(plain, JSON.stringify([step]));
    const alone = await compactor(["apply", plain, "mlp:784-64-10", "-o", join(tmp, "alone.onnx"), "--json"]);
    expect(alone.code, alone.stderr).toBe(0);
    const [a, b] = await Promise.all([readOnnx(join(tmp, "resumed.onnx")), readOnnx(join(tmp, "alone.onnx"))]);
    for (const name of ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]) {
      expect(a.initializers.get(name)!.data, name).toEqual(b.initializers.get(name)!.data);
    }
  });
});
