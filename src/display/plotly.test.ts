// The bundles a figure makes in each plotly.js mode, and how the mode is chosen.
import { readFileSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { plot } from "./plot.js";
import { PLOTLY_MIME, SVG_MIME, figureBundle } from "./plotly.js";
import { plotlyJsPath, plotlyLibraryScript, plotlyMode, plotlySourceFromEnv, resetPlotlyMode, setPlotlyMode } from "./plotly-source.js";
import { toMimeBundle } from "./bundle.js";
import { OptionError } from "../core/errors.js";

const LIBRARY_MARK = "window.Plotly = Plotly";
const html = (value: unknown) => toMimeBundle(value)["text/html"] as string;

describe("plotly.js modes", () => {
  const saved = { ...process.env };
  beforeEach(() => resetPlotlyMode());
  afterEach(() => {
    for (const key of ["COMPACTOR_PLOTLY", "COMPACTOR_PLOTLY_URL", "COMPACTOR_KERNEL_NAME"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    resetPlotlyMode();
  });

  it("uses the minified bundle, pinned in package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(pkg.dependencies["plotly.js-dist-min"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(plotlyJsPath()).toMatch(/plotly\.js-dist-min[/\\]plotly\.min\.js$/);
    // The unminified plotly.js-dist is 10 MB; the minified one about half.
    expect(statSync(plotlyJsPath()).size).toBeLessThan(6_000_000);
    expect(plotlyLibraryScript()).not.toMatch(/<\/script/i);
  });

  it("defaults to url mode: small HTML that loads the kernelspec's copy, and a static picture", () => {
    expect(plotlyMode()).toEqual({ mode: "url", kernel: "compactor" });
    const bundle = toMimeBundle(plot.line([{ y: [3, 2, 1], name: "loss" }], { title: "loss" }));
    const text = bundle["text/html"] as string;
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toContain(LIBRARY_MARK);
    expect(text).toContain('"kernelspecs/" + encodeURIComponent("compactor") + "/" + "plotly.min.js"');
    expect(text).toContain("data-base-url");
    // The static picture sits inside the div the figure draws into, and on its own as SVG.
    expect(text).toMatch(/<div id="compactor-plot-[^"]+" class="compactor-plot"[^>]*><svg /);
    expect(bundle[SVG_MIME]).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain(bundle[SVG_MIME] as string);
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, SVG_MIME, "text/html", "text/plain"].sort());
  });

  it("loads from a given URL, and names the kernelspec from the environment", () => {
    setPlotlyMode("url", { url: "https://example.org/plotly.min.js" });
    expect(html(plot.line([1, 2]))).toContain('var src = "https://example.org/plotly.min.js";');
    resetPlotlyMode();
    process.env.COMPACTOR_KERNEL_NAME = "ts2";
    expect(html(plot.line([1, 2]))).toContain('encodeURIComponent("ts2")');
    process.env.COMPACTOR_PLOTLY_URL = "/static/plotly.min.js";
    resetPlotlyMode();
    expect(plotlyMode()).toEqual({ mode: "url", url: "/static/plotly.min.js", kernel: "ts2" });
  });

  it("inline mode embeds the library in the session's first figure only; setPlotlyMode('inline') re-arms it", () => {
    setPlotlyMode("inline");
    const first = html(plot.line([1, 2]));
    const second = html(plot.bar({ x: ["a", "b"], y: [1, 2] }));
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(first.split(LIBRARY_MARK)).toHaveLength(2);
    expect(second).not.toContain(LIBRARY_MARK);
    expect(second).toContain("compactor-plotly-ready");
    setPlotlyMode("inline");
    expect(html(plot.line([1]))).toContain(LIBRARY_MARK);
  });

  it("none mode sends no library and loads nothing", () => {
    process.env.COMPACTOR_PLOTLY = "none";
    const text = html(plot.line([1, 2]));
    expect(plotlyMode().mode).toBe("none");
    expect(text).not.toContain(LIBRARY_MARK);
    expect(text).not.toContain("createElement(\"script\")");
    expect(text).toContain("<svg ");
  });

  it("a live figure's bundle leaves the library out even in inline mode", () => {
    setPlotlyMode("inline");
    expect(figureBundle({ data: [{ y: [1] }] }, { library: false })["text/html"]).not.toContain(LIBRARY_MARK);
  });

  it("reports every wrong setting at once", () => {
    expect(() => plotlySourceFromEnv({ COMPACTOR_PLOTLY: "cdn" })).toThrow(OptionError);
    expect(() => plotlySourceFromEnv({ COMPACTOR_PLOTLY: "inline", COMPACTOR_PLOTLY_URL: "x" })).toThrow(/COMPACTOR_PLOTLY_URL is set but COMPACTOR_PLOTLY=inline/);
    expect(() => plotlySourceFromEnv({ COMPACTOR_PLOTLY: "cdn", COMPACTOR_PLOTLY_URL: "x" })).toThrow(/must be one of \[url, inline, none\], got "cdn".*COMPACTOR_PLOTLY_URL/);
    expect(() => setPlotlyMode("cdn" as "url")).toThrow(/must be one of \[url, inline, none\]/);
    expect(() => setPlotlyMode("inline", { url: "x" })).toThrow(/needs mode "url"/);
    expect(() => setPlotlyMode("url", { url: "" })).toThrow(/non-empty string/);
  });
});
