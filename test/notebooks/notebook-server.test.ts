// End to end, as a user meets it: the classic Notebook server (Debian's
// jupyter-notebook) on loopback with a token, the kernelspec from our own
// `compactor kernel install`, and headless Chromium. A cell typed into a new
// notebook runs on the compactor kernel and its output and figure appear (the
// figure drawn with the plotly.js the server serves from the kernelspec folder,
// the default "url" mode); a stored tutorial notebook, untrusted when opened,
// says why its figures are missing, and draws them all once trusted.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTEBOOK_DIR, ROOT, inspectNotebook, installKernel, type KernelPrefix } from "../../scripts/notebooks.js";
import { browserTestsRun, drawnFigureSizes, launchChromium, watchPage, type Browser, type PageWatch } from "../helpers/chromium.js";

const NOTEBOOK_SERVER = "jupyter-notebook";
const haveServer = spawnSync(NOTEBOOK_SERVER, ["--version"], { stdio: "ignore" }).status === 0;
if (!haveServer && process.env.CI !== "true") console.warn(`notebook-server.test: skipped, no ${NOTEBOOK_SERVER} (apt-get install jupyter-notebook); with CI=true this fails instead`);
const runs = browserTestsRun("notebook-server.test") && (haveServer || process.env.CI === "true");

/** The Notebook itself always tries to load the ipywidgets extension; without ipywidgets installed that logs a 404. Not ours. */
const NOT_OURS = /\/nbextensions\/widgets\/notebook\/js\/extension\.js/;
const ourErrors = (watch: PageWatch) => watch.errors.filter((e) => !NOT_OURS.test(e));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function notebook(sources: string[]): string {
  return JSON.stringify({
    cells: sources.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { display_name: "TypeScript (compactor)", language: "typescript", name: "compactor" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

describe.skipIf(!runs)("the classic Notebook with the compactor kernel, in Chromium", () => {
  let kernel: KernelPrefix;
  let server: ChildProcess | undefined;
  let serverLog = "";
  let browser: Browser;
  let base: string;
  const token = randomBytes(16).toString("hex");

  beforeAll(async () => {
    if (!haveServer) throw new Error(`no ${NOTEBOOK_SERVER} on PATH: CI=true requires it (.ci/run installs Debian's jupyter-notebook)`);
    if (!existsSync(path.join(ROOT, "dist", "kernel", "main.js"))) throw new Error("dist/ is not built: run `npm run build` first (npm test does)");
    kernel = installKernel();
    // The default mode, whatever the shell running the tests says.
    delete kernel.env.COMPACTOR_PLOTLY;
    delete kernel.env.COMPACTOR_PLOTLY_URL;
    const dir = path.join(kernel.prefix, "notebooks");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "typed.ipynb"), notebook(["const xs = [1, 2, 3];\nconsole.log(`sum ${xs.reduce((a, b) => a + b, 0)}`);", 'plot.line(xs, { title: "typed in the Notebook" })']));
    copyFileSync(path.join(NOTEBOOK_DIR, "01-quickstart.ipynb"), path.join(dir, "stored.ipynb"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // --allow-root: CI runs as root, and the Notebook refuses to start as root without it.
    server = spawn(NOTEBOOK_SERVER, ["--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`], { env: kernel.env });
    server.stdout?.on("data", (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on("data", (d: Buffer) => (serverLog += d.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(`${base}/api/status?token=${token}`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the Notebook server did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server!.once("exit", resolve));
    }
    kernel?.remove();
  });

  it("runs typed cells on the kernel: printed output, then a figure drawn with the kernelspec's plotly.js", async () => {
    const tab = await browser.context.newPage();
    const watch = watchPage(tab);
    const plotlyLoads: number[] = [];
    tab.on("response", (r) => {
      if (r.url().startsWith(`${base}/kernelspecs/compactor/plotly.min.js`)) plotlyLoads.push(r.status());
    });
    await tab.goto(`${base}/notebooks/typed.ipynb?token=${token}`);
    await tab.waitForFunction(`window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`, undefined, { timeout: 120_000 });
    await tab.locator(".code_cell .CodeMirror").first().click();
    await tab.keyboard.press("Shift+Enter");
    await tab.waitForFunction(`Array.from(document.querySelectorAll(".output_area pre")).some(function (p) { return p.textContent.indexOf("sum 6") >= 0; })`, undefined, { timeout: 120_000 });
    // Shift+Enter moved to the next cell: run it too.
    await tab.keyboard.press("Shift+Enter");
    const sizes = await drawnFigureSizes(tab, 1, 120_000);
    expect(sizes).toHaveLength(1);
    expect(sizes[0]!.width).toBeGreaterThan(100);
    expect(sizes[0]!.height).toBeGreaterThan(100);
    expect(await tab.locator(".gtitle").allTextContents()).toEqual(["typed in the Notebook"]);
    expect(plotlyLoads).toEqual([200]);
    expect(ourErrors(watch), serverLog.slice(-3000)).toEqual([]);
    await tab.close();
  }, 300_000);

  it("opens a stored tutorial untrusted with a note per figure, and draws every figure once trusted", async () => {
    const figures = inspectNotebook(path.join(NOTEBOOK_DIR, "01-quickstart.ipynb")).figures.length;
    const tab = await browser.context.newPage();
    const watch = watchPage(tab);
    await tab.goto(`${base}/notebooks/stored.ipynb?token=${token}`);
    await tab.waitForFunction(`window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded`, undefined, { timeout: 120_000 });
    // Untrusted: Jupyter's sanitizer removed scripts, SVG and styles; the note it leaves is visible.
    const notes = (await tab.evaluate(`Array.from(document.querySelectorAll(".compactor-plot-untrusted")).map(function (n) { return n.offsetHeight; })`)) as number[];
    expect(notes).toHaveLength(figures);
    expect(notes.every((h) => h > 0)).toBe(true);
    expect(await tab.locator(".main-svg").count()).toBe(0);
    // File → Trust Notebook, as a reader would; the Notebook reloads the page.
    await tab.evaluate(`Jupyter.notebook.trust_notebook()`);
    await Promise.all([tab.waitForEvent("load", { timeout: 120_000 }), tab.locator(".modal-footer button", { hasText: "Trust" }).click()]);
    const sizes = await drawnFigureSizes(tab, figures, 120_000);
    expect(sizes.every((s) => s.width > 100 && s.height > 100), JSON.stringify(sizes)).toBe(true);
    expect(ourErrors(watch)).toEqual([]);
    await tab.close();
  }, 300_000);
});
