// plot(): a small Plotly figure builder. Every result is a Figure value that
// displays itself (see plotly.ts for the bundle).
//
//   plot({ data, layout })                                  a raw Plotly figure
//   plot.line([{ x, y, name }, …], { title, xaxis, yaxis }) lines; a bare number[] or one series works too
//   plot.bar({ x: ["a", "b"], y: [1, 2], name }, { title }) bars; several series are grouped
//   plot.scatter({ x, y, name }, options)                   markers only
//   plot.histogram(values, { bins, title })                 counts per bin; several { values, name } overlay
//   plot.heatmap(matrix, { x, y, title })                   e.g. a confusion matrix, cells labelled
import { OptionError } from "../core/errors.js";
import { binValues } from "./bins.js";
import { asFigure, type Figure, type PlotlyFigure, type PlotlyTrace } from "./plotly.js";

export interface Series {
  x?: readonly (number | string)[];
  y: readonly number[];
  name?: string;
}

export type SeriesInput = readonly number[] | Series | readonly Series[];

export interface AxisOptions {
  title?: string;
  type?: "linear" | "log" | "category";
  range?: [number, number];
}

export interface PlotOptions {
  title?: string;
  xaxis?: string | AxisOptions;
  yaxis?: string | AxisOptions;
  width?: number;
  height?: number;
}

function axis(a: string | AxisOptions | undefined): Record<string, unknown> | undefined {
  if (a === undefined) return undefined;
  const spec = typeof a === "string" ? { title: a } : a;
  return { ...spec, title: spec.title === undefined ? undefined : { text: spec.title } };
}

function layout(options: PlotOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { margin: { t: options.title ? 40 : 20, r: 20, b: 40, l: 50 } };
  if (options.title) out.title = { text: options.title };
  if (options.xaxis) out.xaxis = axis(options.xaxis);
  if (options.yaxis) out.yaxis = axis(options.yaxis);
  if (options.width) out.width = options.width;
  if (options.height) out.height = options.height;
  return out;
}

function isNumberArray(v: unknown): v is readonly number[] {
  return Array.isArray(v) && v.every((e) => typeof e === "number");
}

function toSeries(input: SeriesInput, where: string): Series[] {
  if (isNumberArray(input)) return [{ y: input }];
  const list = Array.isArray(input) ? (input as readonly Series[]) : [input as Series];
  const problems: string[] = [];
  list.forEach((s, i) => {
    if (!s || !isNumberArray(s.y)) problems.push(`series ${i}: "y" must be an array of numbers`);
    else if (s.x && s.x.length !== s.y.length) problems.push(`series ${i}${s.name ? ` ("${s.name}")` : ""}: x has ${s.x.length} values but y has ${s.y.length}`);
  });
  if (problems.length) throw new OptionError(`${where}: ${problems.join("; ")}. Pass number[] or { x?, y, name? } (or an array of them).`);
  return list.slice();
}

function fromFigure(figure: PlotlyFigure): Figure {
  if (!figure || !Array.isArray(figure.data)) {
    throw new OptionError(`plot(figure): a Plotly figure needs a "data" array of traces, e.g. plot({ data: [{ y: [1, 2, 3] }], layout: { title: "…" } }).`);
  }
  return asFigure(figure);
}

function line(input: SeriesInput, options: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = toSeries(input, "plot.line").map((s) => ({
    type: "scatter",
    mode: "lines",
    name: s.name,
    x: s.x ?? s.y.map((_, i) => i),
    y: s.y,
  }));
  return asFigure({ data, layout: layout(options) });
}

function scatter(input: SeriesInput, options: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = toSeries(input, "plot.scatter").map((s) => ({
    type: "scatter",
    mode: "markers",
    name: s.name,
    x: s.x ?? s.y.map((_, i) => i),
    y: s.y,
  }));
  return asFigure({ data, layout: layout(options) });
}

function bar(input: SeriesInput, options: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = toSeries(input, "plot.bar").map((s) => ({
    type: "bar",
    name: s.name,
    x: s.x ?? s.y.map((_, i) => i),
    y: s.y,
  }));
  return asFigure({ data, layout: { ...layout(options), barmode: "group" } });
}

export interface HistogramSeries {
  values: ArrayLike<number>;
  name?: string;
}

export interface HistogramOptions extends PlotOptions {
  /** About how many bins (default: Sturges' rule); or exact bins with start, end and size. */
  bins?: number;
  start?: number;
  end?: number;
  size?: number;
  /** What a bar's height is (default "count"). */
  norm?: "count" | "percent" | "probability";
}

function isNumeric(values: unknown): values is ArrayLike<number> {
  return (ArrayBuffer.isView(values) && !(values instanceof DataView)) || isNumberArray(values);
}

/**
 * Counts per bin, computed here: Plotly gets the counts as bars (a layer of a million
 * weights stays a small figure), and the static picture draws the same bins. Several
 * series share one set of bins and overlay.
 */
function histogram(input: ArrayLike<number> | HistogramSeries | readonly HistogramSeries[], options: HistogramOptions = {}): Figure {
  const list: HistogramSeries[] = isNumeric(input) ? [{ values: input }] : Array.isArray(input) ? [...(input as HistogramSeries[])] : [input as HistogramSeries];
  const problems = list.flatMap((s, i) => (s && isNumeric(s.values) ? [] : [`series ${i}: "values" must be an array of numbers (or a typed array)`]));
  const norm = options.norm ?? "count";
  if (!["count", "percent", "probability"].includes(norm)) problems.push(`norm must be one of [count, percent, probability], got ${JSON.stringify(norm)}`);
  if (problems.length) throw new OptionError(`plot.histogram: ${problems.join("; ")}. Pass number[], a typed array, or { values, name } (or an array of them).`);
  const all = list.flatMap((s) => Array.from(s.values));
  const shared = binValues(all, options);
  const end = shared.start + shared.counts.length * shared.size;
  const data: PlotlyTrace[] = list.map((s) => {
    const bins = binValues(s.values, { start: shared.start, end, size: shared.size });
    const total = bins.counts.reduce((a, b) => a + b, 0) || 1;
    const scale = norm === "percent" ? 100 / total : norm === "probability" ? 1 / total : 1;
    return {
      type: "bar",
      name: s.name,
      x: bins.counts.map((_, i) => shared.start + (i + 0.5) * shared.size),
      y: bins.counts.map((c) => c * scale),
      width: shared.size,
      ...(list.length > 1 ? { opacity: 0.6 } : {}),
    };
  });
  const yaxis = options.yaxis ?? (norm === "count" ? "count" : norm);
  return asFigure({ data, layout: { ...layout({ ...options, yaxis }), barmode: "overlay", bargap: 0 } });
}

export interface HeatmapOptions extends PlotOptions {
  /** Column labels (e.g. predicted class). */
  x?: readonly (string | number)[];
  /** Row labels (e.g. true class). */
  y?: readonly (string | number)[];
  colorscale?: string;
  /** Print each cell's value on it (default true up to 20×20). */
  labels?: boolean;
}

function heatmap(matrix: readonly (readonly number[])[], options: HeatmapOptions = {}): Figure {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  const ragged = matrix.findIndex((r) => !isNumberArray(r) || r.length !== cols);
  if (rows === 0 || cols === 0 || ragged >= 0) {
    throw new OptionError(
      `plot.heatmap: the matrix must be a non-empty array of equal-length number rows` + (ragged >= 0 ? `; row ${ragged} differs from row 0 (${cols} columns)` : "") + ".",
    );
  }
  const problems: string[] = [];
  if (options.x && options.x.length !== cols) problems.push(`x has ${options.x.length} labels for ${cols} columns`);
  if (options.y && options.y.length !== rows) problems.push(`y has ${options.y.length} labels for ${rows} rows`);
  if (problems.length) throw new OptionError(`plot.heatmap: ${problems.join("; ")}.`);
  const labels = options.labels ?? (rows <= 20 && cols <= 20);
  // Categorical labels keep Plotly from treating class ids 0..9 as a numeric axis.
  const trace: PlotlyTrace = {
    type: "heatmap",
    z: matrix,
    x: (options.x ?? [...Array(cols).keys()]).map(String),
    y: (options.y ?? [...Array(rows).keys()]).map(String),
    // Plotly's Blues runs dark to light: reversed, the big counts (a confusion matrix's diagonal) are dark.
    colorscale: options.colorscale ?? "Blues",
    ...(options.colorscale === undefined ? { reversescale: true } : {}),
    ...(labels ? { texttemplate: "%{z}", hoverongaps: false } : {}),
  };
  const base = layout(options);
  // Row 0 on top, as a confusion matrix is printed.
  const yaxis = { ...((base.yaxis as object) ?? {}), autorange: "reversed", type: "category" };
  const xaxis = { ...((base.xaxis as object) ?? {}), type: "category" };
  return asFigure({ data: [trace], layout: { ...base, xaxis, yaxis } });
}

export interface Plot {
  (figure: PlotlyFigure): Figure;
  line: typeof line;
  scatter: typeof scatter;
  bar: typeof bar;
  histogram: typeof histogram;
  heatmap: typeof heatmap;
}

export const plot: Plot = Object.assign((figure: PlotlyFigure) => fromFigure(figure), { line, scatter, bar, histogram, heatmap });
