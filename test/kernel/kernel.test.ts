// Runs the kernel's Python-side checks (real Jupyter clients): the standard
// jupyter_kernel_test suite, our extra protocol checks, and a notebook executed
// with nbclient. The kernelspec is installed into a temporary prefix with our
// own `compactor kernel install`, so this also tests installation.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernel, ROOT, type JupyterEnv } from "./jupyter.js";

let jupyter: JupyterEnv;
let prefix: string;

beforeAll(() => {
  jupyter = installKernel();
  prefix = jupyter.prefix;
});

afterAll(() => jupyter?.remove());

const runPython = (args: string[]) => jupyter.python(args);

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

  it("executes notebooks/kernel-smoke.ipynb with nbclient", async () => {
    const { status, output } = await runPython(["run_notebook.py", path.join(ROOT, "notebooks", "kernel-smoke.ipynb")]);
    expect(output, output).toMatch(/notebook OK/);
    expect(status).toBe(0);
  }, 900_000);

  it("executes notebooks/pruning.ipynb: each pruning step shows its tables and Plotly figures", async () => {
    const { status, output } = await runPython(["run_pruning_notebook.py", path.join(ROOT, "notebooks", "pruning.ipynb")]);
    expect(output, output).toMatch(/notebook OK/);
    expect(status).toBe(0);
  }, 900_000);
});
