// A save killed at any moment leaves the previous file intact (or the new one,
// complete): a child process saves a large ONNX model over and over and is
// killed with SIGKILL at several moments; each time the target must read back
// as one of the two complete versions.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readOnnx, writeOnnx } from "../formats/onnx/index.js";
import { GraphBuilder } from "../graph/builder.js";
import { float32 } from "../graph/tensor.js";
import { writeFileAtomic } from "./atomic-write.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const dist = resolve(process.env.COMPACTOR_TEST_DIST ?? join(ROOT, "dist"));

/** ~16 MB of weights, every element `fill`, so a version can be told by one value. */
function big(fill: number) {
  const b = new GraphBuilder({ name: "big", opset: 17 });
  const x = b.input("x", "float32", [1, 2048]);
  b.output(b.node("MatMul", [x, b.initializer("w", float32([2048, 2048], new Float32Array(2048 * 2048).fill(fill)))])[0]!, "y");
  return b.build();
}

const CHILD = `
const { writeOnnx } = await import(${JSON.stringify(join(dist, "src/formats/onnx/index.js"))});
const { GraphBuilder } = await import(${JSON.stringify(join(dist, "src/graph/builder.js"))});
const { float32 } = await import(${JSON.stringify(join(dist, "src/graph/tensor.js"))});
const b = new GraphBuilder({ name: "big", opset: 17 });
const x = b.input("x", "float32", [1, 2048]);
b.output(b.node("MatMul", [x, b.initializer("w", float32([2048, 2048], new Float32Array(2048 * 2048).fill(2)))])[0], "y");
const g = b.build();
process.stdout.write("ready\\n");
for (;;) await writeOnnx(g, process.argv[1]);
`;

async function killDuringSaves(path: string, afterMs: number): Promise<void> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, path], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((ready) => child.stdout.once("data", () => ready()));
  await new Promise((r) => setTimeout(r, afterMs));
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe("atomic saves", () => {
  it("leave the previous file or the new one, complete, when the saving process is killed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "compactor-atomic-"));
    const path = join(dir, "model.onnx");
    await writeOnnx(big(1), path);
    for (const ms of [0, 15, 40, 90, 160]) {
      await killDuringSaves(path, ms);
      const w = (await readOnnx(path)).initializers.get("w")!.data as Float32Array;
      expect(w.length).toBe(2048 * 2048);
      expect([1, 2]).toContain(w[0]);
      expect(w[w.length - 1]).toBe(w[0]);
    }
    // Killed saves may leave hidden temporaries, never a damaged target.
    expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual(["model.onnx"]);
  }, 120_000);

  it("names the folder that does not exist", async () => {
    await expect(writeFileAtomic(join(tmpdir(), "no-such-folder-xyz", "m.onnx"), new Uint8Array(1))).rejects.toThrow(/does the folder .*no-such-folder-xyz exist\?/);
    expect(existsSync(join(tmpdir(), "no-such-folder-xyz"))).toBe(false);
  });
});
