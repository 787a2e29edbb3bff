// Figures' text/html laid out as a notebook page lays out outputs, opened in a
// real browser (Debian's chromium through playwright-core), in each plotly.js
// mode: inline from a file with nothing fetched; url from a page served the way
// a Jupyter server serves it (base URL in the page, the kernelspec's copy at
// <base>/kernelspecs/compactor/plotly.min.js); url and none off Jupyter, where
// only the static pictures show. Every static SVG must also parse as SVG.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import { plot } from "./plot.js";
import { SVG_MIME } from "./plotly.js";
import { plotlyJsPath, resetPlotlyMode, setPlotlyMode } from "./plotly-source.js";
import { toMimeBundle } from "./bundle.js";
import { browserTestsRun, drawnFigureSizes, launchChromium, watchPage, type Browser } from "../../test/helpers/chromium.js";

const figures = () => [
  plot.line([{ y: [3, 2, 1.4, 1.1], name: "train loss" }, { y: [3.1, 2.2, 1.9, 1.8], name: "test loss" }], { title: "loss", xaxis: "epoch" }),
  plot.heatmap([[5, 1], [0, 4]], { x: ["a", "b"], y: ["a", "b"], title: "confusion" }),
  plot.bar({ x: ["teacher", "student"], y: [96.5, 93.1] }, { title: "accuracy" }),
  plot.histogram([0.1, 0.2, 0.2, 0.7, 0.9, 1.3], { title: "weights" }),
  plot.scatter({ x: [1e3, 1e4, 1e5], y: [0.9, 0.95, 0.97] }, { title: "size", xaxis: { title: "params", type: "log" } }),
];

/** Each output in its own wrapper, the way nbconvert and the Notebook lay out cells. */
function page(outputs: readonly string[], body = "<body>"): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head>${body}\n${outputs.map((o) => `<div class="output_html">${o}</div>`).join("\n")}\n</body></html>`;
}

function htmlOf(values: readonly unknown[]): string[] {
  return values.map((v) => toMimeBundle(v)["text/html"] as string);
}

describe.skipIf(!browserTestsRun("plotly.browser.test"))("Plotly figures in a browser", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  const served: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), "compactor-plotly-page-"));

  beforeAll(async () => {
    browser = await launchChromium();
    const library = readFileSync(plotlyJsPath());
    server = createServer((req, res) => {
      const url = req.url ?? "/";
      if (url === "/kernelspecs/compactor/plotly.min.js" || url === "/lab-base/kernelspecs/compactor/plotly.min.js") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(library);
      } else if (url === "/favicon.ico") {
        res.writeHead(204).end();
      } else if (served[url] !== undefined) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(served[url]);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => resetPlotlyMode());

  it("inline: the first figure carries plotly.js, the rest wait for it; nothing is fetched", async () => {
    setPlotlyMode("inline");
    const outputs = htmlOf(figures());
    expect(outputs.slice(1).every((o) => !o.includes("window.Plotly = Plotly"))).toBe(true);
    const file = join(dir, "inline.html");
    writeFileSync(file, page(outputs));
    const tab = await browser.context.newPage();
    const watch = watchPage(tab);
    await tab.goto(pathToFileURL(file).href);
    const sizes = await drawnFigureSizes(tab, 5);
    expect(sizes.every((s) => s.width > 100 && s.height > 100), JSON.stringify(sizes)).toBe(true);
    expect(await tab.locator(".js-plotly-plot .scatterlayer .trace").count()).toBeGreaterThan(0);
    expect(await tab.locator(".js-plotly-plot .heatmaplayer image, .js-plotly-plot .hm image").count()).toBeGreaterThan(0);
    expect(await tab.locator(".gtitle").allTextContents()).toEqual(["loss", "confusion", "accuracy", "weights", "size"]);
    // Drawn over: the static pictures are gone from the drawn divs.
    expect(await tab.locator(".compactor-plot > svg").count()).toBe(0);
    expect(watch.errors).toEqual([]);
    expect(watch.requests).toEqual([]);
  });

  for (const [name, body, prefix] of [
    ["the classic Notebook", '<body data-base-url="/">', "/"],
    ["JupyterLab", '<body><script id="jupyter-config-data" type="application/json">{"baseUrl": "/lab-base/"}</script>', "/lab-base/"],
  ] as const) {
    it(`url: on a page laid out like ${name}'s, one request for the kernelspec's plotly.min.js draws every figure`, async () => {
      served[`/${name.length}.html`] = page(htmlOf(figures()), body);
      const tab = await browser.context.newPage();
      const watch = watchPage(tab);
      await tab.goto(`${origin}/${name.length}.html`);
      const sizes = await drawnFigureSizes(tab, 5);
      expect(sizes.every((s) => s.width > 100 && s.height > 100)).toBe(true);
      expect(watch.requests.filter((r) => r.endsWith(".js"))).toEqual([`${origin}${prefix}kernelspecs/compactor/plotly.min.js`]);
      expect(watch.errors).toEqual([]);
    });
  }

  it("url: a failed load leaves the static picture with a note saying what to do", async () => {
    setPlotlyMode("url", { url: `${origin}/missing/plotly.min.js` });
    served["/missing.html"] = page(htmlOf(figures().slice(0, 2)));
    const tab = await browser.context.newPage();
    await tab.goto(`${origin}/missing.html`);
    await tab.waitForFunction(`document.querySelectorAll(".compactor-plot-note").length === 2`, undefined, { timeout: 30_000 });
    expect(await tab.locator(".compactor-plot > svg").count()).toBe(2);
    expect(await tab.locator(".compactor-plot-note").first().textContent()).toContain("compactor kernel install");
  });

  for (const mode of ["url", "none"] as const) {
    it(`${mode}: off a Jupyter page nothing is loaded and every static picture shows`, async () => {
      setPlotlyMode(mode);
      const file = join(dir, `${mode}.html`);
      writeFileSync(file, page(htmlOf(figures())));
      const tab = await browser.context.newPage();
      const watch = watchPage(tab);
      await tab.goto(pathToFileURL(file).href);
      await tab.waitForTimeout(500);
      const boxes = (await tab.evaluate(`Array.from(document.querySelectorAll(".compactor-plot > svg")).map(function (s) { var b = s.getBoundingClientRect(); return b.width * b.height; })`)) as number[];
      expect(boxes).toHaveLength(5);
      expect(boxes.every((a) => a > 10_000)).toBe(true);
      expect(await tab.locator(".main-svg").count()).toBe(0);
      expect(watch.errors).toEqual([]);
      expect(watch.requests).toEqual([]);
    });
  }

  it("every static picture parses as SVG and has the marks of its figure", async () => {
    const svgs = figures().map((f) => toMimeBundle(f)[SVG_MIME] as string);
    const tab = await browser.context.newPage();
    await tab.setContent("<!DOCTYPE html><html><body></body></html>");
    const report = (await tab.evaluate(`(function (svgs) {
      return svgs.map(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var error = doc.querySelector("parsererror");
        var marks = doc.querySelectorAll("polyline, rect[fill]:not([width='640']), circle").length;
        return { error: error ? error.textContent : null, marks: marks };
      });
    })(${JSON.stringify(svgs)})`)) as { error: string | null; marks: number }[];
    expect(report.map((r) => r.error)).toEqual([null, null, null, null, null]);
    expect(report.every((r) => r.marks > 1)).toBe(true);
  });
});
