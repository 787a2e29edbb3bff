// Names defined in one cell, used in the next, in the kernel (a real Jupyter
// client, test/kernel/run_cells.py) and in the REPL (the compiled REPL on a
// pipe), from one table of cases (cross-cell-cases.ts); then the README's DSL
// example split into cells, in both.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernel, ROOT, type JupyterEnv } from "../kernel/jupyter.js";
import { CROSS_CELL_CASES, README_NOTEBOOK, type CrossCellCase } from "./cross-cell-cases.js";

interface CellResult {
  status: "ok" | "error";
  text: string | null;
  error: string | null;
}

const REPL = join(ROOT, "dist", "src", "cli", "repl", "run.js");
let work: string;
let jupyter: JupyterEnv | undefined;
let kernelSessions: Promise<CellResult[][]>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "compactor-cells-"));
  jupyter = installKernel();
  const sessions = [CROSS_CELL_CASES.flatMap((c) => [c.earlier, c.later]), README_NOTEBOOK(join(work, "kernel-student.onnx"))];
  // Started once, awaited by each test: one kernel per session, all cases in order.
  kernelSessions = jupyter.python(["run_cells.py"], { input: JSON.stringify(sessions) }).then(({ status, output, stdout }) => {
    if (status !== 0) throw new Error(`run_cells.py failed (${status}):\n${output}`);
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as CellResult[][];
  });
  kernelSessions.catch(() => {}); // reported by the tests that await it
});

afterAll(() => {
  jupyter?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs inputs through the REPL on a pipe; stdout and stderr as printed. */
function repl(input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REPL], { env: { ...process.env, COMPACTOR_REPL_HISTORY: join(work, "history") }, timeout: 600_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** What a later cell printed in the REPL: the text between the markers around it. */
const begin = (i: number) => `<<case ${i} later>>`;
const end = (i: number) => `<<case ${i} end>>`;
let replRun: Promise<{ stdout: string; stderr: string }> | undefined;
function replCases(): Promise<{ stdout: string; stderr: string }> {
  // Markers are string cells: the REPL prints a string's value as itself.
  replRun ??= repl(CROSS_CELL_CASES.map((c, i) => `${c.earlier}\n${JSON.stringify(begin(i))}\n${c.later}\n${JSON.stringify(end(i))}\n`).join(""));
  return replRun;
}

function replOutput(stdout: string, i: number): string | undefined {
  const from = stdout.indexOf(`${begin(i)}\n`);
  const to = stdout.indexOf(`${end(i)}\n`);
  if (from < 0 || to < 0) return undefined;
  return stdout.slice(from + begin(i).length + 1, to).replace(/\n$/, "");
}

function expectOutcome(c: CrossCellCase, shown: string | undefined, error: string, where: string): void {
  if (c.error !== undefined) {
    expect(shown ?? "", `${where}: should have failed`).toBe("");
    expect(error, where).toContain(c.error);
  } else {
    expect(shown, `${where}:\n${error}`).toBe(c.expected);
  }
}

describe("names from earlier cells, in every position", () => {
  describe.each(CROSS_CELL_CASES.map((c, i) => [c.name, c, i] as const))("%s", (_name, c, i) => {
    it("in the kernel", async () => {
      const [cases] = await kernelSessions;
      const earlier = cases![2 * i]!;
      const later = cases![2 * i + 1]!;
      expect(earlier.status, `earlier cell ${c.earlier}: ${earlier.error}`).toBe("ok");
      expectOutcome(c, later.status === "ok" ? (later.text ?? "") : undefined, later.error ?? "", `later cell ${c.later}`);
    });

    it("in the REPL", async () => {
      const { stdout, stderr } = await replCases();
      const shown = replOutput(stdout, i);
      expect(shown, `markers of case ${i} missing; stdout:\n${stdout}\nstderr:\n${stderr}`).toBeDefined();
      expectOutcome(c, shown, stderr, `later cell ${c.later}`);
    });
  });
});

describe("the README's DSL example, one statement per cell", () => {
  it("runs in the kernel: the teacher trains, the student distills from it, compares and saves", async () => {
    const [, notebook] = await kernelSessions;
    const failures = notebook!.filter((r) => r.status !== "ok").map((r) => r.error);
    expect(failures).toEqual([]);
    expect(notebook!.at(-1)!.text).toBe("distill");
    const saved = join(work, "kernel-student.onnx");
    expect(existsSync(saved) && statSync(saved).size).toBeGreaterThan(1000);
  });

  it("runs in the REPL", async () => {
    const saved = join(work, "repl-student.onnx");
    const { status, stdout, stderr } = await repl(README_NOTEBOOK(saved).join("\n") + "\n");
    expect(stderr).not.toMatch(/Error/);
    expect(status).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("distill");
    expect(existsSync(saved) && statSync(saved).size).toBeGreaterThan(1000);
  });
});
