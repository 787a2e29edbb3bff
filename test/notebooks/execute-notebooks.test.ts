// Every tutorial notebook, run top to bottom on the compactor kernel with
// nbclient (as `jupyter nbconvert --execute` would), must finish without an
// error cell and show its figures in all their forms. It runs in "inline"
// mode, the one for self-contained exports: plotly.js must then be embedded
// once per notebook. The executed notebook is converted with nbconvert to HTML
// and opened in headless Chromium: every figure must be drawn by plotly.js
// (a .main-svg of non-zero size), with no console error and nothing fetched
// from the network.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, executeNotebook, inspectNotebook, installKernel, jupyterPython, notebookFiles, notebookProblems, type KernelPrefix } from "../../scripts/notebooks.js";
import { browserTestsRun, drawnFigureSizes, launchChromium, watchPage, type Browser } from "../helpers/chromium.js";

const withBrowser = browserTestsRun("execute-notebooks.test (nbconvert HTML in Chromium)");

let kernel: KernelPrefix;
let python: string;
let out: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, "dist", "kernel", "main.js"))) throw new Error("dist/ is not built: run `npm run build` first (npm test does)");
  python = jupyterPython();
  kernel = installKernel({ COMPACTOR_PLOTLY: "inline" });
  out = mkdtempSync(path.join(os.tmpdir(), "compactor-executed-"));
  if (withBrowser) browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  kernel?.remove();
  if (out) rmSync(out, { recursive: true, force: true });
});

for (const file of notebookFiles()) {
  const name = path.basename(file, ".ipynb");
  describe(name, () => {
    const executed = () => path.join(out, `${name}.ipynb`);

    it("runs top to bottom on the compactor kernel without an error cell", async () => {
      const result = await executeNotebook(file, executed(), kernel.env, python);
      expect(result.errors ?? [], result.output).toEqual([]);
      expect(result.status, result.output).toBe(0);
      const report = inspectNotebook(executed());
      expect(notebookProblems(report)).toEqual([]);
      // Inline mode: the library once, in the notebook's first figure.
      expect(report.inlinedLibrary).toBe(1);
    }, 900_000);

    it.skipIf(!withBrowser)("as nbconvert HTML, draws every figure in Chromium with no console error and nothing fetched", async () => {
      expect(existsSync(executed()), "the notebook did not execute").toBe(true);
      execFileSync(python, ["-m", "nbconvert", "--to", "html", "--output-dir", out, executed()], { cwd: ROOT, env: kernel.env, stdio: "pipe" });
      const figures = inspectNotebook(executed()).figures.length;
      const tab = await browser!.context.newPage();
      const watch = watchPage(tab);
      await tab.goto(pathToFileURL(path.join(out, `${name}.html`)).href);
      const sizes = await drawnFigureSizes(tab, figures, 120_000);
      expect(sizes).toHaveLength(figures);
      expect(sizes.every((s) => s.width > 100 && s.height > 100), JSON.stringify(sizes)).toBe(true);
      expect(watch.errors).toEqual([]);
      expect(watch.requests).toEqual([]);
      await tab.close();
    }, 300_000);
  });
}
