import { describe, expect, it } from "vitest";
import { autoRange, buildScale, linearTicks, niceStep, positionOf, tickLabel } from "./scale.js";
import { binValues } from "../bins.js";

describe("axis scales", () => {
  it("picks 1-2-5 steps and labels ticks as Plotly does", () => {
    expect([0.013, 0.3, 3, 42, 700].map(niceStep)).toEqual([0.01, 0.2, 2, 50, 500]);
    expect(linearTicks(0, 1, 5).map((t) => t.label)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    expect(linearTicks(-20_000, 60_000, 4).map((t) => t.label)).toEqual(["\u221220k", "0", "20k", "40k", "60k"]);
    expect(tickLabel(2_500_000, 500_000)).toBe("2.5M");
    expect(tickLabel(1e-17, 0.1)).toBe("0");
    expect(tickLabel(0.25, 0.05)).toBe("0.25");
  });

  it("maps linear, reversed, log and category axes to pixels", () => {
    const linear = buildScale({ kind: "linear", categories: [], range: [0, 10], reversed: false, pixels: [100, 200], tickSpacing: 50, along: "x" });
    expect([linear.px(0), linear.px(5), linear.px(10)]).toEqual([100, 150, 200]);
    const reversed = buildScale({ kind: "linear", categories: [], range: [0, 10], reversed: true, pixels: [100, 200], tickSpacing: 50, along: "y" });
    expect(reversed.px(0)).toBe(200);
    const log = buildScale({ kind: "log", categories: [], range: [0, 3], reversed: false, pixels: [0, 300], tickSpacing: 50, along: "x" });
    expect(log.position(100)).toBe(2);
    expect(log.position(-1)).toBeNaN();
    expect(log.ticks.map((t) => t.label)).toEqual(["1", "10", "100", "1000"]);
    const cats = buildScale({ kind: "category", categories: ["a", "b"], range: autoRange("category", undefined, ["a", "b"], [0, 0]), reversed: false, pixels: [0, 200], tickSpacing: 90, along: "x" });
    expect([cats.px(cats.position("a")), cats.px(cats.position("b"))]).toEqual([50, 150]);
    expect(cats.position("c")).toBeNaN();
    expect(positionOf("linear", [])("2.5")).toBe(2.5);
  });

  it("pads automatic ranges and gives a single value room", () => {
    expect(autoRange("linear", [0, 10], [], [0, 0.1])).toEqual([0, 11]);
    expect(autoRange("linear", [5, 5], [], [0.05, 0.05])).toEqual([4.5, 5.5]);
    expect(autoRange("linear", undefined, [], [0, 0])).toEqual([0, 1]);
  });
});

describe("histogram bins", () => {
  it("counts values into nice bins, the last one closed, and counts what it drops", () => {
    const bins = binValues([0, 0.1, 0.5, 0.99, 1, Number.NaN], { size: 0.5 });
    expect(bins).toEqual({ start: 0, size: 0.5, counts: [2, 3], dropped: 1 });
    expect(binValues([1, 2, 3], { start: 2, end: 3, size: 1 })).toEqual({ start: 2, size: 1, counts: [2], dropped: 1 });
    const auto = binValues(Array.from({ length: 1000 }, (_, i) => i / 1000));
    expect(auto.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(auto.counts.length).toBeGreaterThanOrEqual(5);
    expect(binValues([])).toEqual({ start: 0, size: 1, counts: [], dropped: 0 });
  });
});
