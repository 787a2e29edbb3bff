// Real Jupyter clients for the kernel tests: a python3 with jupyter_client, our
// kernelspec installed with `compactor kernel install` into a temporary prefix,
// and Python scripts from test/kernel run against it.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const HERE = path.join(ROOT, "test", "kernel");

/** The first python3 that has Jupyter's client libraries (Debian's, when a pyenv shim comes first on PATH). */
function findPython(): string {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import jupyter_client, jupyter_kernel_test, nbclient"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  throw new Error("no python3 with jupyter_client, jupyter_kernel_test and nbclient; install python3-jupyter-kernel-test python3-nbclient (see .ci/run)");
}

export interface JupyterEnv {
  readonly prefix: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `python args…` in test/kernel (asynchronously, so vitest's worker keeps answering its runner). */
  python(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<{ status: number | null; output: string; stdout: string }>;
  remove(): void;
}

export function installKernel(): JupyterEnv {
  if (!existsSync(path.join(ROOT, "dist", "kernel", "main.js"))) throw new Error("dist/ is not built: run `npm run build` first (npm test does)");
  const python = findPython();
  const prefix = mkdtempSync(path.join(os.tmpdir(), "compactor-kernel-test-"));
  execFileSync(process.execPath, [path.join(ROOT, "bin", "compactor.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_RUNTIME_DIR: path.join(prefix, "runtime"),
    COMPACTOR_HISTORY_FILE: path.join(prefix, "history.json"),
    PYTHONUNBUFFERED: "1",
  };
  return {
    prefix,
    env,
    python: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(python, args, { cwd: HERE, env: { ...env, ...options.env }, timeout: 900_000 });
        let output = "";
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => ((output += chunk.toString()), (stdout += chunk.toString())));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, output, stdout }));
        child.stdin.end(options.input ?? "");
      }),
    remove: () => rmSync(prefix, { recursive: true, force: true }),
  };
}
