import { describe, it, expect } from "vitest";
import { sparkline, progressLine, formatSeconds } from "./text.js";

describe("sparkline", () => {
  it("maps min..max to ▁..█", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([7, 0])).toBe("█▁");
  });
  it("keeps gaps for non-finite values and centres flat series", () => {
    expect(sparkline([1, NaN, 2])).toBe("▁ █");
    expect(sparkline([5, 5, 5])).toBe("▄▄▄");
    expect(sparkline([])).toBe("");
    expect(sparkline([NaN])).toBe(" ");
  });
  it("resamples to a width by averaging", () => {
    const s = sparkline(Array.from({ length: 100 }, (_, i) => i), { width: 10 });
    expect(s).toHaveLength(10);
    expect(s[0]).toBe("▁");
    expect(s[9]).toBe("█");
  });
});

describe("progressLine", () => {
  it("draws a bar with percent, counts, rate and time left", () => {
    expect(progressLine({ done: 50, total: 100, label: "epoch 1", elapsedSeconds: 5, note: "loss 0.2" }, { width: 10 })).toBe(
      "epoch 1 █████       50% 50/100 · 10.0/s · 5.0s left · loss 0.2",
    );
  });
  it("uses eighth blocks for partial cells and clamps", () => {
    expect(progressLine({ done: 1, total: 16 }, { width: 2 })).toBe("▏    6% 1/16");
    expect(progressLine({ done: 20, total: 10 }, { width: 2 })).toBe("██ 100% 20/10");
  });
  it("shows a count when the total is unknown, and elapsed time when finished", () => {
    expect(progressLine({ done: 7 })).toBe("7");
    expect(progressLine({ done: 10, total: 10, elapsedSeconds: 2 }, { width: 1 })).toBe("█ 100% 10/10 · 5.0/s · 2.0s");
  });
  it("formats durations", () => {
    expect(formatSeconds(75)).toBe("1m15s");
    expect(formatSeconds(7200)).toBe("2h00m");
    expect(formatSeconds(Infinity)).toBe("?");
  });
});
