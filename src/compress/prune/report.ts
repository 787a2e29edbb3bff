// What a pruning step shows: a per-layer table (weight shape before/after,
// sparsity, parameters), totals (parameters, non-zero parameters, MACs, bytes,
// onnxruntime latency before/after), a Plotly bar chart of per-layer sparsity
// and a histogram of weight magnitudes before/after. Every figure has a text
// twin for the REPL: bars drawn with block characters, the histogram as
// sparklines with its counts.
import { summarize } from "../../graph/counts.js";
import type { Graph, Tensor } from "../../graph/types.js";
import { table, type Table } from "../../display/table.js";
import { plot } from "../../display/plot.js";
import { humanBytes, humanCount } from "../../display/summary.js";
import { sparkline } from "../../display/text.js";
import { JUPYTER_DISPLAY, type Displayable } from "../../display/mime.js";
import { toMimeBundle } from "../../display/bundle.js";
import type { Figure } from "../../display/plotly.js";
import type { Metrics } from "../../model/step.js";
import { createOrtSession } from "../../runtime/ort.js";
import { randomInputs } from "../../runtime/random-inputs.js";
import { measureInterleaved } from "../../cli/timing.js";

export interface LayerRow {
  readonly layer: string;
  readonly op: string;
  readonly weight: string;
  readonly before: readonly number[];
  readonly after: readonly number[];
  /** Fraction of the weight's original elements that are zero or removed. */
  readonly sparsity: number;
  /** Non-zero elements before and after. */
  readonly paramsBefore: number;
  readonly paramsAfter: number;
}

/** onnxruntime latency of the model before and after, timed in alternation (false: not measured). */
export interface LatencyOptions {
  readonly batch?: number;
  readonly runs?: number;
  readonly warmup?: number;
}
export type LatencyOption = boolean | LatencyOptions;

export const DEFAULT_LATENCY: Required<LatencyOptions> = Object.freeze({ batch: 1, runs: 20, warmup: 3 });

/** Non-zero elements of a float tensor. */
export function nonZero(t: Tensor): number {
  const d = t.data as ArrayLike<number>;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

/** Non-zero elements over the float weights summarize() counts as parameters. */
function nonZeroParams(graph: Graph, weights: readonly string[]): number {
  let n = 0;
  for (const name of weights) {
    const t = graph.initializers.get(name);
    if (t && (t.dtype === "float32" || t.dtype === "float64")) n += nonZero(t);
  }
  return n;
}

/** Totals before/after as metrics (the step's report row), latency included unless turned off. */
export async function totals(before: Graph, after: Graph, weights: { before: readonly string[]; after: readonly string[] }, latency: LatencyOption): Promise<Record<string, Metrics[string]>> {
  const a = summarize(before);
  const b = summarize(after);
  const ratio = (x: number, y: number) => (x === 0 ? null : Math.round((y / x) * 1000) / 1000);
  const nzBefore = nonZeroParams(before, weights.before);
  const nzAfter = nonZeroParams(after, weights.after);
  const metrics: Record<string, Metrics[string]> = {
    "params before": a.params,
    "params after": b.params,
    "params ratio": ratio(a.params, b.params),
    "non-zero weights before": nzBefore,
    "non-zero weights after": nzAfter,
    "non-zero ratio": ratio(nzBefore, nzAfter),
    "MACs before": a.macs,
    "MACs after": b.macs,
    "MACs ratio": ratio(a.macs, b.macs),
    "bytes before": humanBytes(a.bytes),
    "bytes after": humanBytes(b.bytes),
  };
  if (latency !== false) {
    const options = { ...DEFAULT_LATENCY, ...(latency === true ? {} : latency) };
    const ms = await ortLatencies(before, after, options);
    metrics[`ort latency b${options.batch} before (ms)`] = ms.before;
    metrics[`ort latency b${options.batch} after (ms)`] = ms.after;
    metrics["latency ratio"] = ratio(ms.before, ms.after);
  }
  return metrics;
}

/** Median onnxruntime latency of both graphs on the same random inputs, timed in alternation. */
async function ortLatencies(before: Graph, after: Graph, options: Required<LatencyOptions>): Promise<{ before: number; after: number }> {
  const [s0, s1] = await Promise.all([createOrtSession(before), createOrtSession(after)]);
  const f0 = randomInputs(before, { seed: 0, batch: options.batch });
  const f1 = randomInputs(after, { seed: 0, batch: options.batch });
  const timed = await measureInterleaved({ before: () => s0.run(f0), after: () => s1.run(f1) }, { runs: options.runs, warmup: options.warmup, warmupMs: 0 });
  return { before: timed.before.medianMs, after: timed.after.medianMs };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const shape = (dims: readonly number[]) => `[${dims.join(", ")}]`;

export function layerTable(rows: readonly LayerRow[], title: string): Table {
  const paramsBefore = rows.reduce((n, r) => n + r.paramsBefore, 0);
  const paramsAfter = rows.reduce((n, r) => n + r.paramsAfter, 0);
  return table(
    rows.map((r) => ({
      layer: r.layer,
      op: r.op,
      "shape before": shape(r.before),
      "shape after": shape(r.after),
      sparsity: pct(r.sparsity),
      "params before": r.paramsBefore,
      "params after": r.paramsAfter,
    })),
    {
      title,
      footer: `${rows.length} layers · non-zero weights ${humanCount(paramsBefore)} → ${humanCount(paramsAfter)} (${paramsBefore ? pct(paramsAfter / paramsBefore) : "–"} kept)`,
    },
  );
}

/** A figure whose text/plain is `text` instead of the generic sparkline twin. */
function withText(figure: Figure, text: string): Displayable {
  return { [JUPYTER_DISPLAY]: () => ({ ...toMimeBundle(figure), "text/plain": text }) };
}

/** Bar chart of per-layer sparsity; its text twin is one bar of block characters per layer. */
export function sparsityChart(rows: readonly LayerRow[], title: string): Displayable {
  const figure = plot.bar(
    { x: rows.map((r) => r.layer), y: rows.map((r) => r.sparsity), name: "sparsity" },
    { title, yaxis: { title: "sparsity", range: [0, 1] }, xaxis: { title: "layer", type: "category" }, height: 360 },
  );
  const width = Math.max(0, ...rows.map((r) => r.layer.length));
  const bar = (s: number) => "█".repeat(Math.round(s * 30)).padEnd(30, "·");
  return withText(figure, [title, ...rows.map((r) => `${r.layer.padEnd(width)} ${bar(r.sparsity)} ${pct(r.sparsity)}`)].join("\n"));
}

const BINS = 40;

/** Histogram counts of |w| over [0, max) in BINS bins; zeros counted apart. */
function binned(values: readonly Float32Array[], max: number): { counts: number[]; zeros: number } {
  const counts = new Array<number>(BINS).fill(0);
  let zeros = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const a = Math.abs(v[i]!);
      if (a === 0) zeros++;
      else counts[Math.min(BINS - 1, Math.floor((a / max) * BINS))]!++;
    }
  }
  return { counts, zeros };
}

/**
 * Histogram of non-zero weight magnitudes before and after, binned here (a
 * model's millions of weights would not fit in a figure); zeros are counted
 * in the legend, since pruned weights would dwarf every other bin.
 */
export function magnitudeHistogram(before: readonly Float32Array[], after: readonly Float32Array[], title: string): Displayable {
  let max = 0;
  for (const v of before) for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  max = max || 1;
  const b = binned(before, max);
  const a = binned(after, max);
  const centers = b.counts.map((_, i) => ((i + 0.5) * max) / BINS);
  const figure = plot({
    data: [
      { type: "bar", name: `before (${humanCount(b.zeros)} zeros)`, x: centers, y: b.counts, opacity: 0.6 },
      { type: "bar", name: `after (${humanCount(a.zeros)} zeros)`, x: centers, y: a.counts, opacity: 0.6 },
    ],
    layout: { title: { text: title }, barmode: "overlay", bargap: 0, xaxis: { title: { text: "|weight|" } }, yaxis: { title: { text: "non-zero weights" } }, height: 320 },
  });
  const text = [
    `${title} (|w| from 0 to ${max.toPrecision(3)}, ${BINS} bins)`,
    `before ${sparkline(b.counts)} ${humanCount(b.counts.reduce((x, y) => x + y, 0))} non-zero, ${humanCount(b.zeros)} zeros`,
    `after  ${sparkline(a.counts)} ${humanCount(a.counts.reduce((x, y) => x + y, 0))} non-zero, ${humanCount(a.zeros)} zeros`,
  ].join("\n");
  return withText(figure, text);
}

/** The float values of the named initializers (missing ones skipped: a step removed them). */
export function weightValues(graph: Graph, names: readonly string[]): Float32Array[] {
  return names.flatMap((n) => {
    const t = graph.initializers.get(n);
    if (!t) return [];
    return [t.dtype === "float32" ? (t.data as Float32Array) : Float32Array.from(t.data as ArrayLike<number>)];
  });
}
