import { describe, it, expect, beforeEach, afterEach, vi } from "vitest";
import { liveDisplay, progress, liveCurve } from "./live.js";
import { setDisplaySink } from "./sink.js";
import { recordingSink } from "../../test/helpers/recording-sink.js";
import { PLOTLY_MIME, SVG_MIME } from "./plotly.js";
import { resetPlotlyMode, setPlotlyMode } from "./plotly-source.js";

describe("live displays", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    resetPlotlyMode();
  });
  afterEach(() => {
    vi.useRealTimers();
    setDisplaySink(undefined);
  });

  it("sends at most 4 redraws a second, the latest state, and the final state at once", () => {
    const r = recordingSink(false);
    setDisplaySink(r.sink);
    const live = liveDisplay();
    for (let i = 1; i <= 100; i++) {
      live.update(i);
      vi.advanceTimersByTime(10); // 100 updates over one second
    }
    // first at once, then one per 250 ms window
    expect(r.calls.length).toBeLessThanOrEqual(5);
    expect(r.calls[0]!.options).toEqual({ displayId: live.displayId, live: "partial" });
    expect(r.calls[1]!.options).toEqual({ displayId: live.displayId, update: true, live: "partial" });
    live.done(1000);
    const last = r.calls[r.calls.length - 1]!;
    expect(last.bundle).toEqual({ "text/plain": "1000" });
    expect(last.options).toMatchObject({ update: true, live: "final" });
    live.update(5);
    vi.advanceTimersByTime(1000);
    expect(r.calls[r.calls.length - 1]).toBe(last);
  });

  it("sends a pending state when its window opens", () => {
    const r = recordingSink(false);
    setDisplaySink(r.sink);
    const live = liveDisplay();
    live.update("a");
    live.update("b");
    expect(r.calls.map((c) => c.bundle!["text/plain"])).toEqual(["a"]);
    vi.advanceTimersByTime(250);
    expect(r.calls.map((c) => c.bundle!["text/plain"])).toEqual(["a", "b"]);
  });

  it("progress shows a bar and finishes with the final count", () => {
    const r = recordingSink(false);
    setDisplaySink(r.sink);
    const bar = progress({ total: 4, label: "batches" });
    bar.tick();
    bar.tick(2, "loss 0.5");
    bar.set(4);
    bar.done();
    expect(bar.count).toBe(4);
    const last = r.calls[r.calls.length - 1]!;
    expect(last.bundle!["text/plain"]).toMatch(/^batches █+ 100% 4\/4 .*loss 0\.5$/);
    expect(last.bundle!["text/html"]).toContain('<progress value="4" max="4"');
    expect(last.options?.live).toBe("final");
  });

  it("liveCurve redraws a figure; in inline mode the library goes out once, in its own output, on rich sinks", () => {
    const r = recordingSink(true);
    setDisplaySink(r.sink);
    setPlotlyMode("inline");
    const curve = liveCurve({ title: "loss", series: ["train", "test"] });
    curve.push("train", 0, 2);
    curve.push("train", 1, 1);
    curve.push("test", 1, 1.5);
    curve.done();
    expect(r.calls[0]!.bundle!["text/html"]).toContain("window.Plotly = Plotly");
    expect(r.calls[0]!.options).toBeUndefined();
    const final = r.calls[r.calls.length - 1]!;
    expect(final.options).toMatchObject({ update: true, live: "final" });
    expect((final.bundle![PLOTLY_MIME] as { data: { y: number[] }[] }).data.map((d) => d.y)).toEqual([[2, 1], [1.5]]);
    expect(final.bundle!["text/html"]).not.toContain("window.Plotly = Plotly");
    expect(final.bundle!["text/plain"]).toContain("train █▁ last 1");
    expect(final.bundle![SVG_MIME]).toMatch(/^<svg [^>]*><title>loss<\/title>/);
    expect(() => curve.push("val", 0, 1)).toThrow(/must be one of \[train, test\]/);
  });

  it("liveCurve in url mode (the default) sends no library: each redraw loads it from the kernelspec", () => {
    const r = recordingSink(true);
    setDisplaySink(r.sink);
    const curve = liveCurve({ title: "loss", series: ["train"] });
    curve.push("train", 0, 2);
    curve.done();
    expect(r.calls.every((c) => !String(c.bundle!["text/html"] ?? "").includes("window.Plotly = Plotly"))).toBe(true);
    expect(r.calls[0]!.bundle!["text/html"]).toContain('"kernelspecs/"');
    expect(r.calls[0]!.bundle!["text/html"]).toContain("<svg ");
  });

  it("liveCurve sends no library on a text-only sink", () => {
    const r = recordingSink(false);
    setDisplaySink(r.sink);
    setPlotlyMode("inline");
    const curve = liveCurve({ series: ["loss"] });
    curve.push("loss", 0, 1);
    curve.done();
    expect(r.calls.every((c) => !String(c.bundle!["text/html"] ?? "").includes("window.Plotly = Plotly"))).toBe(true);
  });
});
