// A quantize step's report: the before/after summary (size, output SQNR,
// accuracy, onnxruntime latency, the CPU's int8 features), the per-layer table
// (scale, zero point, range, bits, SQNR, float/int choice and why), a weight
// histogram with the quantization grid drawn on it and the activation ranges
// per layer. Tables and figures carry text twins for terminals.
import { describeCpu, type CpuFeatures } from "../../core/cpu-features.js";
import { toMimeBundle } from "../../display/bundle.js";
import type { MimeBundle } from "../../display/mime.js";
import { plot } from "../../display/plot.js";
import { humanBytes } from "../../display/summary.js";
import { table } from "../../display/table.js";
import type { Metrics } from "../../model/step.js";
import type { BeforeAfter } from "./measure.js";
import type { LayerRow, TensorGrid } from "./layer-report.js";

/** One weight (or one channel of it) to draw with its grid. */
export interface HistogramSource {
  readonly layer: string;
  readonly values: Float32Array;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
  /** "channel 3 (widest range)", "whole tensor". */
  readonly what: string;
}

export interface QuantizeReport {
  readonly step: string;
  readonly layers: readonly LayerRow[];
  readonly measured: BeforeAfter;
  readonly cpu?: CpuFeatures;
  readonly histogram?: HistogramSource;
  /** Extra summary lines (the latency choice's whole-model check…). */
  readonly notes?: readonly string[];
}

const fmt = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2));
const span = ([a, b]: readonly [number, number]): string => (a === b ? fmt(a) : `${fmt(a)} … ${fmt(b)}`);
const range = ([a, b]: readonly [number, number]): string => `[${fmt(a)}, ${fmt(b)}]`;
const db = (v: number | undefined): number | string => (v === undefined ? "" : Number.isFinite(v) ? Number(v.toFixed(1)) : "exact");

function gridCells(prefix: string, g: TensorGrid | undefined): Record<string, string | number> {
  if (!g) return { [`${prefix} scale`]: "", [`${prefix} zero point`]: "", [`${prefix} range`]: "" };
  return { [`${prefix} scale`]: span(g.scale), [`${prefix} zero point`]: span(g.zeroPoint), [`${prefix} range`]: range(g.range) };
}

export function layerTable(layers: readonly LayerRow[], title: string) {
  const rows = layers.map((l) => ({
    layer: l.layer,
    op: l.op,
    choice: l.choice,
    bits: l.weight?.bits ?? l.activation?.bits ?? "",
    granularity: l.weight?.granularity ?? "",
    ...gridCells("weight", l.weight),
    "weight SQNR dB": db(l.weight?.sqnr),
    ...gridCells("activation", l.activation),
    "float ms": l.floatMs === undefined ? "" : Number(l.floatMs.toFixed(3)),
    "int8 ms": l.int8Ms === undefined ? "" : Number(l.int8Ms.toFixed(3)),
    format: l.format ?? "",
    reason: l.reason,
  }));
  return table(rows, { title });
}

function summaryRows(r: QuantizeReport): { quantity: string; before: string; after: string; change: string }[] {
  const m = r.measured;
  const rows = [
    { quantity: "ONNX file", before: humanBytes(m.fileBytes[0]), after: humanBytes(m.fileBytes[1]), change: `${(m.fileBytes[1] / m.fileBytes[0]).toFixed(3)}×` },
    { quantity: "output SQNR vs float", before: "", after: `${db(m.outputSqnr)} dB`, change: "" },
  ];
  if (m.accuracy) {
    const [a, b] = m.accuracy;
    rows.push({ quantity: "accuracy (onnxruntime)", before: `${(a * 100).toFixed(2)}%`, after: `${(b * 100).toFixed(2)}%`, change: `${((b - a) * 100).toFixed(2)} pt` });
  }
  if (m.latencyMs) {
    const [a, b] = m.latencyMs;
    rows.push({ quantity: `onnxruntime latency, batch ${m.latencyBatch}`, before: `${a.toFixed(3)} ms`, after: `${b.toFixed(3)} ms`, change: `${(b / a).toFixed(2)}×` });
  }
  return rows;
}

/** Weight values as a histogram, the grid's points inside their range as ticks on the axis. */
export function histogramFigure(h: HistogramSource) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of h.values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const bins = 120;
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of h.values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  const centers = counts.map((_, i) => lo + (i + 0.5) * width);
  const grid: number[] = [];
  for (let q = h.qmin; q <= h.qmax; q++) {
    const x = (q - h.zeroPoint) * h.scale;
    if (x >= lo - h.scale && x <= hi + h.scale) grid.push(x);
  }
  return plot({
    data: [
      { type: "bar", name: "weights", x: centers, y: counts, marker: { color: "#4c78a8" } },
      { type: "scatter", mode: "markers", name: `grid (${grid.length} levels, step ${fmt(h.scale)})`, x: grid, y: grid.map(() => 0), marker: { symbol: "line-ns-open", size: 14, color: "#e45756" } },
    ],
    layout: { title: { text: `${h.layer}: weight histogram and quantization grid (${h.what})` }, xaxis: { title: { text: "value" } }, yaxis: { title: { text: "count" } }, bargap: 0 },
  });
}

/** Each layer's quantized activation range as a floating bar [min, max]. */
export function activationRangesFigure(layers: readonly LayerRow[]) {
  const withRanges = layers.filter((l) => l.activation);
  if (withRanges.length === 0) return undefined;
  return plot({
    data: [
      {
        type: "bar",
        name: "activation range",
        x: withRanges.map((l) => l.layer),
        base: withRanges.map((l) => l.activation!.range[0]),
        y: withRanges.map((l) => l.activation!.range[1] - l.activation!.range[0]),
        marker: { color: withRanges.map((l) => (l.choice === "float" ? "#bab0ac" : "#4c78a8")) },
      },
    ],
    layout: { title: { text: "activation ranges per layer (grey: kept float)" }, xaxis: { type: "category" }, yaxis: { title: { text: "value" } } },
  });
}

export function reportFigures(r: QuantizeReport): MimeBundle[] {
  const summary = table(summaryRows(r), {
    title: `${r.step}: before → after`,
    footer: [r.cpu ? `CPU: ${describeCpu(r.cpu)}` : "", ...(r.notes ?? [])].filter(Boolean).join("\n") || undefined,
  });
  const figures: MimeBundle[] = [toMimeBundle(summary), toMimeBundle(layerTable(r.layers, `${r.step}: layers`))];
  if (r.histogram) figures.push(toMimeBundle(histogramFigure(r.histogram)));
  const ranges = activationRangesFigure(r.layers);
  if (ranges) figures.push(toMimeBundle(ranges));
  return figures;
}

export function reportMetrics(r: QuantizeReport): Metrics {
  const m = r.measured;
  const count = (c: string) => r.layers.filter((l) => l.choice === c).length;
  const sqnrs = r.layers.map((l) => l.weight?.sqnr).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return {
    layersInt8: count("int8"),
    layersInt4: count("int4"),
    layersFloat: count("float"),
    fileBytesBefore: m.fileBytes[0],
    fileBytesAfter: m.fileBytes[1],
    sizeRatio: Number((m.fileBytes[1] / m.fileBytes[0]).toFixed(4)),
    outputSqnrDb: Number.isFinite(m.outputSqnr) ? Number(m.outputSqnr.toFixed(2)) : null,
    minWeightSqnrDb: sqnrs.length ? Number(Math.min(...sqnrs).toFixed(2)) : null,
    ...(m.accuracy ? { accuracyBefore: m.accuracy[0], accuracyAfter: m.accuracy[1] } : {}),
    ...(m.latencyMs
      ? { latencyBatch: m.latencyBatch ?? null, latencyMsBefore: m.latencyMs[0], latencyMsAfter: m.latencyMs[1], latencyRatio: Number((m.latencyMs[1] / m.latencyMs[0]).toFixed(3)) }
      : {}),
    ...(r.cpu ? { cpu: r.cpu.flags.join(" ") || "unknown", int8DotProduct: r.cpu.int8DotProduct } : {}),
  };
}
