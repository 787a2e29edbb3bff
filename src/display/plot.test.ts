import { describe, it, expect, beforeEach } from "vitest";
import { plot } from "./plot.js";
import { PLOTLY_MIME, resetPlotlyInline, figureBundle, figurePage, plotlyLibraryScript, type PlotlyFigure } from "./plotly.js";
import { toMimeBundle } from "./bundle.js";
import { OptionError } from "../core/errors.js";

describe("plot", () => {
  beforeEach(() => resetPlotlyInline());

  it("builds line figures with all three MIME types", () => {
    const fig = plot.line(
      [
        { y: [3, 2, 1.5, 1], name: "train loss" },
        { x: [0, 3], y: [3.2, 1.2], name: "test loss" },
      ],
      { title: "loss", xaxis: "epoch", yaxis: { title: "loss", type: "log" } },
    );
    const b = toMimeBundle(fig);
    const json = b[PLOTLY_MIME] as PlotlyFigure;
    expect(json.data[0]).toMatchObject({ type: "scatter", mode: "lines", name: "train loss", x: [0, 1, 2, 3], y: [3, 2, 1.5, 1] });
    expect(json.layout).toMatchObject({ title: { text: "loss" }, xaxis: { title: { text: "epoch" } }, yaxis: { type: "log" } });
    expect(b["text/plain"]).toBe(["loss", "train loss █▅▃▁ last 1 · min 1 max 3 · 4 points", "test loss  █▁ last 1.2 · min 1.2 max 3.2 · 2 points"].join("\n"));
    expect(b["text/html"]).toContain('class="compactor-plot"');
  });

  it("inlines plotly.js in the first figure's HTML only, until reset", () => {
    const first = toMimeBundle(plot.line([1, 2]))["text/html"] as string;
    const second = toMimeBundle(plot.bar({ x: ["a", "b"], y: [1, 2] }))["text/html"] as string;
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(first).toContain("window.Plotly = Plotly");
    expect(second.length).toBeLessThan(5_000);
    expect(second).not.toContain("window.Plotly = Plotly");
    expect(second).toContain("if (window.Plotly)");
    resetPlotlyInline();
    expect((toMimeBundle(plot.line([1]))["text/html"] as string).length).toBeGreaterThan(1_000_000);
  });

  it("keeps the inlined library from closing its script tag", () => {
    const script = plotlyLibraryScript();
    expect(script).not.toMatch(/<\/script/i);
    const html = figureBundle({ data: [{ y: [1], name: "</script><b>" }] })["text/html"] as string;
    const loaderPart = html.slice(html.lastIndexOf('<div id="compactor-plot-'));
    expect(loaderPart.match(/<\/script>/g)).toHaveLength(1);
  });

  it("builds heatmaps for confusion matrices", () => {
    const fig = plot.heatmap(
      [
        [5, 1],
        [0, 4],
      ],
      { x: ["cat", "dog"], y: ["cat", "dog"], title: "confusion" },
    );
    const b = toMimeBundle(fig);
    const json = b[PLOTLY_MIME] as PlotlyFigure;
    expect(json.data[0]).toMatchObject({ type: "heatmap", z: [[5, 1], [0, 4]], texttemplate: "%{z}", x: ["cat", "dog"] });
    expect(json.layout).toMatchObject({ yaxis: { autorange: "reversed", type: "category" } });
    expect(b["text/plain"]).toBe("confusion\ntrace 0 heatmap 2×2\n  █▁\n  ▁█");
  });

  it("accepts a raw figure and reports every bad series at once", () => {
    const raw = plot({ data: [{ type: "scatter", y: [1, 2], name: "r" }], layout: { title: "raw" } });
    expect(toMimeBundle(raw)["text/plain"]).toContain("raw\nr ▁█");
    expect(() => plot({} as PlotlyFigure)).toThrow(OptionError);
    let message = "";
    try {
      plot.line([{ y: [1, 2], x: [1] }, { y: "no" as unknown as number[] }]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("series 0: x has 1 values but y has 2");
    expect(message).toContain('series 1: "y" must be an array of numbers');
    expect(() => plot.heatmap([[1, 2], [3]])).toThrow(/row 1 differs/);
    expect(() => plot.heatmap([[1]], { x: ["a", "b"] })).toThrow(/x has 2 labels for 1 columns/);
  });

  it("writes a standalone page that loads plotly from a given path", () => {
    const page = figurePage({ data: [{ y: [1] }], layout: { title: { text: "T<x>" } } }, "plotly.js");
    expect(page).toContain('<script type="text/javascript" src="plotly.js"></script>');
    expect(page).toContain("<title>Tx</title>");
  });
});
