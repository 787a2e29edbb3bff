// Plotly HTML as nbconvert would save it: two figures' text/html in one page,
// opened offline in a real browser (Debian chromium through playwright-core).
// The first figure carries plotly.js, the second only waits for it; both must
// draw, and the page must not touch the network.
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { plot } from "./plot.js";
import { resetPlotlyInline } from "./plotly.js";
import { toMimeBundle } from "./bundle.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`plotly.browser.test: skipped, no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!haveChromium)("Plotly HTML in a browser", () => {
  it("draws two figures offline with the library inlined once", async () => {
    resetPlotlyInline();
    const first = toMimeBundle(plot.line([{ y: [3, 2, 1.4, 1.1], name: "train loss" }], { title: "loss" }))["text/html"] as string;
    const second = toMimeBundle(plot.heatmap([[5, 1], [0, 4]], { x: ["a", "b"], y: ["a", "b"], title: "confusion" }))["text/html"] as string;
    expect(second).not.toContain("window.Plotly = Plotly");
    const dir = mkdtempSync(join(tmpdir(), "compactor-plotly-page-"));
    const page = join(dir, "notebook.html");
    // Each output in its own wrapper, the way nbconvert lays out cells.
    writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div class="output_html">${first}</div>
<div class="output_html">${second}</div>
</body></html>`);

    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "compactor-chromium-profile-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
    try {
      const tab = await context.newPage();
      const network: string[] = [];
      const errors: string[] = [];
      tab.on("request", (r) => {
        if (!/^(file|data|blob|about):/.test(r.url())) network.push(r.url());
      });
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(pathToFileURL(page).href);
      // A string, not a function: this runs in the page, and the project's types have no DOM.
      await tab.waitForFunction('document.querySelectorAll(".js-plotly-plot .main-svg").length >= 2', undefined, { timeout: 60_000 });
      expect(await tab.locator(".js-plotly-plot").count()).toBe(2);
      expect(await tab.locator(".js-plotly-plot .scatterlayer .trace").count()).toBeGreaterThan(0);
      expect(await tab.locator(".js-plotly-plot .heatmaplayer image, .js-plotly-plot .hm image").count()).toBeGreaterThan(0);
      expect(await tab.locator(".gtitle").allTextContents()).toEqual(["loss", "confusion"]);
      expect(errors).toEqual([]);
      expect(network).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
