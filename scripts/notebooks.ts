// Executing the tutorial notebooks on the compactor kernel and checking what
// they hold. Used by `npm run notebooks` (scripts/run-notebooks.ts) and by the
// notebook tests (test/notebooks/). The kernelspec goes into a temporary prefix
// with our own `compactor kernel install --prefix`, found through JUPYTER_PATH,
// so nothing in the user's Jupyter folders is read or changed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const NOTEBOOK_DIR = path.join(ROOT, "notebooks");
/** What a committed notebook may weigh, outputs included. */
export const MAX_NOTEBOOK_BYTES = 1_000_000;

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const SVG_MIME = "image/svg+xml";

/** The tutorial notebooks, in order (01-…, 04-…). */
export function notebookFiles(): string[] {
  return readdirSync(NOTEBOOK_DIR)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort()
    .map((f) => path.join(NOTEBOOK_DIR, f));
}

/** The first python3 with nbclient and nbconvert (Debian's, when a pyenv shim comes first on PATH). */
export function jupyterPython(): string {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    if (spawnSync(candidate, ["-c", "import nbclient, nbconvert"], { stdio: "ignore" }).status === 0) return candidate;
  }
  throw new Error("no python3 with nbclient and nbconvert: apt-get install python3-nbclient python3-nbconvert (see .ci/run)");
}

export interface KernelPrefix {
  readonly prefix: string;
  /** The environment that finds this kernelspec and keeps Jupyter's state in the prefix. */
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

/** `compactor kernel install --prefix <tmp>` from the built dist/, and the environment that uses it. */
export function installKernel(extraEnv: NodeJS.ProcessEnv = {}): KernelPrefix {
  const prefix = mkdtempSync(path.join(os.tmpdir(), "compactor-notebooks-"));
  execFileSync(process.execPath, [path.join(ROOT, "bin", "compactor.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_RUNTIME_DIR: path.join(prefix, "runtime"),
    JUPYTER_DATA_DIR: path.join(prefix, "data"),
    JUPYTER_CONFIG_DIR: path.join(prefix, "config"),
    COMPACTOR_HISTORY_FILE: path.join(prefix, "history.json"),
    PYTHONUNBUFFERED: "1",
    ...extraEnv,
  };
  return { prefix, env, remove: () => rmSync(prefix, { recursive: true, force: true }) };
}

export interface ExecuteResult {
  readonly status: number | null;
  readonly seconds?: number;
  readonly cells?: number;
  readonly errors?: readonly { cell: number; ename: string; evalue: string }[];
  /** Everything the script and nbclient printed. */
  readonly output: string;
}

/** Runs scripts/execute-notebook.py: `source` executed, written to `target`. Asynchronous, so a test runner stays responsive. */
export function executeNotebook(source: string, target: string, env: NodeJS.ProcessEnv, python = jupyterPython()): Promise<ExecuteResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(ROOT, "scripts", "execute-notebook.py"), source, target], { cwd: ROOT, env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const summary = output.trim().split("\n").reverse().find((line) => line.startsWith('{"seconds"'));
      resolve({ status, output, ...(summary ? JSON.parse(summary) : {}) });
    });
  });
}

interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface FigureCheck {
  readonly cell: number;
  readonly hasJson: boolean;
  /** The text/html holds a div for plotly.js and the static SVG inside it. */
  readonly hasHtml: boolean;
  readonly hasSvg: boolean;
}

export interface NotebookReport {
  readonly bytes: number;
  readonly codeCells: number;
  readonly unexecuted: readonly number[];
  readonly errors: readonly string[];
  readonly figures: readonly FigureCheck[];
  /** Outputs that carry the whole plotly.js (inline mode). */
  readonly inlinedLibrary: number;
  readonly markdownCells: number;
}

const text = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));

/** What an executed notebook holds: errors, figures and their three forms, its size. */
export function inspectNotebook(file: string): NotebookReport {
  const nb = JSON.parse(readFileSync(file, "utf8")) as { cells: NotebookCell[] };
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const errors: string[] = [];
  const figures: FigureCheck[] = [];
  let inlinedLibrary = 0;
  code.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "error") errors.push(`cell ${i + 1}: ${out.ename}: ${out.evalue}`);
      const html = text(out.data?.["text/html"]);
      if (html.includes("window.Plotly = Plotly")) inlinedLibrary++;
      if (out.data?.[PLOTLY_MIME] !== undefined) {
        figures.push({
          cell: i + 1,
          hasJson: Array.isArray((out.data[PLOTLY_MIME] as { data?: unknown }).data),
          hasHtml: /class="compactor-plot"[^>]*><svg /.test(html),
          hasSvg: text(out.data[SVG_MIME]).startsWith("<svg "),
        });
      }
    }
  });
  return {
    bytes: statSync(file).size,
    codeCells: code.length,
    unexecuted: code.flatMap((c, i) => (c.execution_count == null ? [i + 1] : [])),
    errors,
    figures,
    inlinedLibrary,
    markdownCells: nb.cells.filter((c) => c.cell_type === "markdown").length,
  };
}

/** Every way an executed notebook falls short of what we commit or ship; empty when it is fine. */
export function notebookProblems(report: NotebookReport, options: { maxBytes?: number } = {}): string[] {
  const problems = [...report.errors];
  if (report.unexecuted.length) problems.push(`code cells not executed: ${report.unexecuted.join(", ")}`);
  if (report.figures.length === 0) problems.push("no Plotly figure");
  for (const f of report.figures) {
    const missing = [!f.hasJson && "Plotly JSON", !f.hasHtml && "text/html with the static picture", !f.hasSvg && "image/svg+xml"].filter(Boolean);
    if (missing.length) problems.push(`cell ${f.cell}: figure without ${missing.join(", ")}`);
  }
  if (options.maxBytes !== undefined && report.bytes > options.maxBytes) problems.push(`${report.bytes} bytes, over ${options.maxBytes}`);
  return problems;
}
