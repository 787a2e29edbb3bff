// plot(): a small Plotly figure builder. Every result is a Figure value that
// displays itself (see plotly.ts for the bundle).
//
//   plot({ data, layout })                                  a raw Plotly figure
//   plot.line([{ x, y, name }, …], { title, xaxis, yaxis }) lines; a bare number[] or one series works too
//   plot.bar({ x: ["a", "b"], y: [1, 2], name }, { title }) bars; several series are grouped
//   plot.heatmap(matrix, { x, y, title })                   e.g. a confusion matrix, cells labelled
import { OptionError } from "../core/errors.js";
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

function bar(input: SeriesInput, options: PlotOptions = {}): Figure {
  const data: PlotlyTrace[] = toSeries(input, "plot.bar").map((s) => ({
    type: "bar",
    name: s.name,
    x: s.x ?? s.y.map((_, i) => i),
    y: s.y,
  }));
  return asFigure({ data, layout: { ...layout(options), barmode: "group" } });
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
    colorscale: options.colorscale ?? "Blues",
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
  bar: typeof bar;
  heatmap: typeof heatmap;
}

export const plot: Plot = Object.assign((figure: PlotlyFigure) => fromFigure(figure), { line, bar, heatmap });
