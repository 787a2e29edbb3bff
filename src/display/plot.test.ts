import { describe, it, expect, beforeEach } from "vitest";
import { plot } from "./plot.js";
import { PLOTLY_MIME, SVG_MIME, figureBundle, figurePage, type PlotlyFigure } from "./plotly.js";
import { resetPlotlyMode } from "./plotly-source.js";
import { toMimeBundle } from "./bundle.js";
import { OptionError } from "../core/errors.js";

describe("plot", () => {
  beforeEach(() => resetPlotlyMode());

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
    expect(b[SVG_MIME]).toContain("<polyline");
  });

  it("builds scatter plots and histograms whose bins travel as bars", () => {
    const s = toMimeBundle(plot.scatter({ x: [1, 2, 3], y: [3, 1, 2], name: "p" }))[PLOTLY_MIME] as PlotlyFigure;
    expect(s.data[0]).toMatchObject({ type: "scatter", mode: "markers", x: [1, 2, 3] });
    const h = plot.histogram(
      [
        { values: [0.1, 0.2, 0.25, 0.9], name: "a" },
        { values: new Float32Array([0.5, 0.55]), name: "b" },
      ],
      { size: 0.5, start: 0, end: 1, norm: "percent" },
    );
    const json = toMimeBundle(h)[PLOTLY_MIME] as PlotlyFigure;
    expect(json.data.map((t) => t.y)).toEqual([[75, 25], [0, 100]]);
    expect(json.data[0]).toMatchObject({ type: "bar", x: [0.25, 0.75], width: 0.5, opacity: 0.6 });
    expect(json.layout).toMatchObject({ barmode: "overlay", bargap: 0, yaxis: { title: { text: "percent" } } });
    expect(() => plot.histogram({ values: ["x"] as unknown as number[] }, { norm: "odd" as "count" })).toThrow(/series 0: "values" must be an array of numbers.*norm must be one of/);
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
    expect(json.data[0]).toMatchObject({ type: "heatmap", z: [[5, 1], [0, 4]], texttemplate: "%{z}", x: ["cat", "dog"], colorscale: "Blues", reversescale: true });
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
    const page = figurePage({ data: [{ y: [1] }], layout: { title: { text: "T<x>" } } }, "plotly.min.js");
    expect(page).toContain('<script type="text/javascript" src="plotly.min.js"></script>');
    expect(page).toContain("<title>T</title>");
  });
});
