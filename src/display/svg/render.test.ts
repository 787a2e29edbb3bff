// The static SVG pictures: what each figure kind draws, where, and that the
// text is well-formed XML. (plotly.browser.test.ts parses them in a browser too.)
import { describe, expect, it } from "vitest";
import { plot } from "../plot.js";
import type { PlotlyFigure } from "../plotly.js";
import { figureSvg } from "./render.js";
import { cellLabel } from "./draw.js";
import { colorAt, resolveScale, textColorOn } from "./colors.js";

/** Every tag closed in order: enough of XML well-formedness to catch a broken writer. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

const count = (svg: string, tag: string) => svg.split(`<${tag} `).length - 1;
const svgOf = (figure: { figure: PlotlyFigure }) => figureSvg(figure.figure);

describe("static SVG pictures", () => {
  it("draws a line per series on linear axes, a legend for two, and breaks lines at NaN", () => {
    const svg = svgOf(plot.line([{ y: [0, 1, 2, 3], name: "a" }, { y: [3, Number.NaN, 1, 0], name: "b" }], { title: "two", xaxis: "step", yaxis: "loss" }));
    expect(balanced(svg)).toBe(true);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="360"/);
    expect(svg).toContain("<title>two</title>");
    // Series b is cut in two at its NaN: three polylines in all.
    expect(count(svg, "polyline")).toBe(3);
    expect(svg).toContain('stroke="#1f77b4"');
    expect(svg).toContain('stroke="#ff7f0e"');
    for (const label of [">a<", ">b<", ">step<", ">loss<", ">0<", ">3<"]) expect(svg).toContain(label);
  });

  it("puts the first and last points at the plot's edges", () => {
    const svg = svgOf(plot.line({ x: [0, 10], y: [5, 5] }, { width: 400, height: 300 }));
    const points = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(" ").map((p) => p.split(",").map(Number));
    const clip = /<clipPath id="[^"]+"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg)!.slice(1).map(Number);
    const [left, top, width, height] = clip as [number, number, number, number];
    expect(points[0]![0]).toBeCloseTo(left, 0);
    expect(points[1]![0]).toBeCloseTo(left + width, 0);
    // A flat series sits mid-height.
    expect(points[0]![1]).toBeCloseTo(top + height / 2, 0);
  });

  it("groups bars per category from zero, and overlays fixed-width histogram bins", () => {
    const bars = svgOf(plot.bar([{ x: ["p", "q"], y: [1, 2], name: "s1" }, { x: ["p", "q"], y: [2, 1], name: "s2" }]));
    expect(balanced(bars)).toBe(true);
    // 2 categories × 2 series, plus the background rect, the clip rect and two legend swatches.
    expect(count(bars, "rect")).toBe(4 + 2 + 2);
    const heights = [...bars.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#1f77b4"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3); // two bars and the legend swatch
    expect(heights[1]! / heights[0]!).toBeCloseTo(2, 1);
    const hist = svgOf(plot.histogram([0.1, 0.2, 0.3, 0.35, 0.9], { size: 0.25, start: 0, end: 1 }));
    expect(count(hist, "rect")).toBe(4 + 2);
    expect(hist).toContain(">count<");
  });

  it("bins raw Plotly histogram traces itself", () => {
    const svg = figureSvg({ data: [{ type: "histogram", x: [1, 1, 2, 3, 3, 3], xbins: { start: 0.5, end: 3.5, size: 1 } }] });
    expect(count(svg, "rect")).toBe(3 + 2);
  });

  it("fills heatmap cells from the colour scale, writes their values, and adds a colour bar", () => {
    const svg = svgOf(plot.heatmap([[0, 10], [5, 10]], { x: ["a", "b"], y: ["r", "s"], title: "confusion" }));
    expect(balanced(svg)).toBe(true);
    // Blues reversed: the largest value is the darkest blue, the smallest the light grey.
    expect(svg).toContain(`fill="${colorAt(resolveScale("Blues", true).stops, 1)}"`);
    expect(colorAt(resolveScale("Blues", true).stops, 0)).toBe("#dcdcdc");
    // Written in white on the two dark cells (the colour bar's "10" tick is grey).
    expect(svg.match(/fill="#fff">10</g)).toHaveLength(2);
    expect(svg).toContain("<linearGradient");
    for (const label of [">a<", ">b<", ">r<", ">s<"]) expect(svg).toContain(label);
  });

  it("labels log axes by decades and category axes by name", () => {
    const svg = svgOf(plot.scatter({ x: [10, 1000, 100000], y: [1, 2, 3] }, { xaxis: { title: "params", type: "log" } }));
    for (const label of [">10<", ">100<", ">1000<", ">10k<", ">100k<"]) expect(svg).toContain(label);
    expect(count(svg, "circle")).toBe(3);
  });

  it("says what it cannot draw instead of leaving it out", () => {
    const svg = figureSvg({ data: [{ type: "pie", values: [1, 2], name: "share" }, { type: "bar", orientation: "h", x: [1], y: ["a"], name: "sideways" }] });
    expect(svg).toContain("share: &quot;pie&quot; traces have no static picture");
    expect(svg).toContain("sideways: horizontal bar traces have no static picture");
    expect(figureSvg({ data: [{ type: "heatmap", z: [[1]], colorscale: "Nope" }] })).toContain("colour scale Nope is drawn with RdBu");
  });

  it("escapes text and gives the same figure the same ids", () => {
    const figure = { data: [{ y: [1, 2], name: "<b>&" }, { y: [2, 1], name: "x" }], layout: { title: "a <br> b" } };
    const svg = figureSvg(figure);
    expect(svg).toContain("&lt;b&gt;&amp;");
    expect(svg).toContain("<title>a b</title>");
    expect(figureSvg(figure)).toBe(svg);
    expect(figureSvg({ ...figure, layout: { title: "other" } }).match(/clipPath id="([^"]+)"/)![1]).not.toBe(svg.match(/clipPath id="([^"]+)"/)![1]);
  });

  it("formats cell labels as the texttemplates our figures use, in a colour that reads", () => {
    expect(cellLabel("%{z}", 3)).toBe("3");
    expect(cellLabel("%{z}", 0.123456)).toBe("0.1235");
    expect(cellLabel("%{z:.2f}", 0.5)).toBe("0.50");
    expect(cellLabel("%{z:.1%} done", 0.25)).toBe("25.0% done");
    expect(textColorOn("#08306b")).toBe("#fff");
    expect(textColorOn("#f7fbff")).toBe("#000");
  });
});
