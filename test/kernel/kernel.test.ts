// Runs the kernel's Python-side checks (real Jupyter clients): the standard
// jupyter_kernel_test suite, our extra protocol checks, and a notebook executed
// with nbclient. The kernelspec is installed into a temporary prefix with our
// own `compactor kernel install`, so this also tests installation.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = path.join(ROOT, "test", "kernel");

/** The first python3 that has Jupyter's client libraries (Debian's, when a pyenv shim comes first on PATH). */
function findPython(): string {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import jupyter_client, jupyter_kernel_test, nbclient"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  throw new Error("no python3 with jupyter_client, jupyter_kernel_test and nbclient; install python3-jupyter-kernel-test python3-nbclient (see .ci/run)");
}

let prefix: string;
let env: NodeJS.ProcessEnv;
let python: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, "dist", "kernel", "main.js"))) throw new Error("dist/ is not built: run `npm run build` first (npm test does)");
  python = findPython();
  prefix = mkdtempSync(path.join(os.tmpdir(), "compactor-kernel-test-"));
  execFileSync(process.execPath, [path.join(ROOT, "bin", "compactor.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
  env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_RUNTIME_DIR: path.join(prefix, "runtime"),
    COMPACTOR_HISTORY_FILE: path.join(prefix, "history.json"),
    PYTHONUNBUFFERED: "1",
  };
});

afterAll(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

/** Asynchronous, so vitest's worker keeps answering its runner while Python runs for minutes. */
function runPython(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: HERE, env, timeout: 900_000 });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output }));
  });
}

describe("compactor Jupyter kernel", () => {
  it("installs a kernelspec that runs bin/compactor.js with message interrupts", () => {
    const spec = JSON.parse(readFileSync(path.join(prefix, "share", "jupyter", "kernels", "compactor", "kernel.json"), "utf8"));
    expect(spec.display_name).toBe("TypeScript (compactor)");
    expect(spec.interrupt_mode).toBe("message");
    expect(spec.argv.slice(1)).toEqual([path.join(ROOT, "bin", "compactor.js"), "kernel", "--connection-file", "{connection_file}"]);
    expect(existsSync(path.join(prefix, "share", "jupyter", "kernels", "compactor", "logo-64x64.png"))).toBe(true);
  });

  it("passes jupyter_kernel_test with every sample set", async () => {
    const { status, output } = await runPython(["-m", "unittest", "-v", "test_compactor_kernel"]);
    // Only the pager test may skip: TypeScript cells have no `?` help that pages.
    const skipped = output.split("\n").filter((line) => /skipped/.test(line) && !/test_pager/.test(line) && !/^(OK|FAILED)/.test(line));
    expect(skipped).toEqual([]);
    expect(output, output).toMatch(/\nOK\b/);
    expect(status).toBe(0);
  }, 900_000);

  it("passes the extra protocol checks (display updates, interrupts, stdin, comms, signatures, restart)", async () => {
    const { status, output } = await runPython(["-m", "unittest", "-v", "test_kernel_extras"]);
    expect(output, output).toMatch(/\nOK\b/);
    expect(status).toBe(0);
  }, 900_000);

  it("executes test/kernel/kernel-smoke.ipynb with nbclient", async () => {
    const { status, output } = await runPython(["run_notebook.py", path.join(HERE, "kernel-smoke.ipynb")]);
    expect(output, output).toMatch(/notebook OK/);
    expect(status).toBe(0);
  }, 900_000);
});
