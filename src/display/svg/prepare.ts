// Plotly traces → what the static picture draws: points, bars or heatmap cells
// with raw axis values, their colour and legend name. Anything the picture
// cannot draw is kept as a note shown on it, never dropped quietly.
import type { PlotlyTrace } from "../plotly.js";
import { binValues } from "../bins.js";
import { TRACE_COLORS, resolveScale, type ColorStops } from "./colors.js";

export interface LineTrace {
  readonly kind: "line";
  readonly name: string;
  readonly color: string;
  readonly x: readonly unknown[];
  readonly y: readonly unknown[];
  readonly lines: boolean;
  readonly markers: boolean;
  /** Plotly's line.dash: "dash", "dot", "dashdot" (solid when absent). */
  readonly dash?: string;
}

export interface BarTrace {
  readonly kind: "bar";
  readonly name: string;
  readonly color: string;
  readonly opacity: number;
  readonly x: readonly unknown[];
  readonly y: readonly number[];
  /** Bar width in x units (histograms: the bin width); absent: the slot share of barmode "group". */
  readonly width?: number;
}

export interface HeatTrace {
  readonly kind: "heatmap";
  readonly name: string;
  readonly x: readonly unknown[];
  readonly y: readonly unknown[];
  readonly z: readonly (readonly number[])[];
  readonly stops: ColorStops;
  readonly zmin: number;
  readonly zmax: number;
  readonly template?: string;
}

export type PreparedTrace = LineTrace | BarTrace | HeatTrace;

export interface Prepared {
  readonly traces: readonly PreparedTrace[];
  readonly notes: readonly string[];
}

function numbers(values: unknown): number[] {
  return Array.isArray(values) ? values.map((v) => (typeof v === "number" ? v : v === null || v === undefined ? Number.NaN : Number(v))) : [];
}

function indices(count: number): number[] {
  return [...Array(count).keys()];
}

function traceColor(trace: PlotlyTrace, fallback: string, key: "line" | "marker"): string {
  const part = trace[key] as { color?: unknown } | undefined;
  const own = part && typeof part.color === "string" ? part.color : key === "line" ? (trace.marker as { color?: unknown } | undefined)?.color : undefined;
  return typeof own === "string" ? own : fallback;
}

function histogram(trace: PlotlyTrace, name: string, color: string, notes: string[]): BarTrace {
  const values = numbers(trace.x ?? trace.y);
  const xbins = (trace.xbins ?? {}) as { start?: number; end?: number; size?: number };
  const bins = binValues(values, { bins: typeof trace.nbinsx === "number" ? trace.nbinsx : undefined, ...xbins });
  const total = bins.counts.reduce((a, b) => a + b, 0) || 1;
  const norm = trace.histnorm ?? "";
  if (norm !== "" && norm !== "percent" && norm !== "probability") notes.push(`${name}: histnorm "${String(norm)}" is drawn as counts here`);
  const scale = norm === "percent" ? 100 / total : norm === "probability" ? 1 / total : 1;
  return {
    kind: "bar",
    name,
    color,
    opacity: typeof trace.opacity === "number" ? trace.opacity : 1,
    x: bins.counts.map((_, i) => bins.start + (i + 0.5) * bins.size),
    y: bins.counts.map((c) => c * scale),
    width: bins.size,
  };
}

function heatmap(trace: PlotlyTrace, name: string, notes: string[]): HeatTrace {
  const z = (trace.z ?? []).map((row) => numbers(row));
  const finite = z.flat().filter(Number.isFinite);
  const scale = resolveScale(trace.colorscale, trace.reversescale);
  if (scale.unknown) notes.push(`${name}: colour scale ${scale.unknown} is drawn with RdBu here`);
  const zmin = typeof trace.zmin === "number" ? trace.zmin : finite.length ? Math.min(...finite) : 0;
  const zmax = typeof trace.zmax === "number" ? trace.zmax : finite.length ? Math.max(...finite) : 1;
  const cols = Math.max(0, ...z.map((r) => r.length));
  return {
    kind: "heatmap",
    name,
    x: trace.x ? [...trace.x] : indices(cols),
    y: trace.y ? [...trace.y] : indices(z.length),
    z,
    stops: scale.stops,
    zmin,
    zmax,
    ...(typeof trace.texttemplate === "string" ? { template: trace.texttemplate } : {}),
  };
}

export function prepareTraces(data: readonly PlotlyTrace[]): Prepared {
  const traces: PreparedTrace[] = [];
  const notes: string[] = [];
  let colorIndex = 0;
  data.forEach((trace, i) => {
    const type = trace.type ?? "scatter";
    const name = trace.name ?? `trace ${i}`;
    if (trace.orientation === "h") {
      notes.push(`${name}: horizontal ${type} traces have no static picture; the interactive figure shows it`);
      return;
    }
    if (type === "heatmap") {
      traces.push(heatmap(trace, name, notes));
      return;
    }
    const fallback = TRACE_COLORS[colorIndex++ % TRACE_COLORS.length]!;
    if (type === "scatter" || type === "scattergl") {
      const y = trace.y ? [...trace.y] : [];
      const mode = typeof trace.mode === "string" ? trace.mode : y.length <= 20 ? "lines+markers" : "lines";
      const dash = (trace.line as { dash?: unknown } | undefined)?.dash;
      traces.push({
        kind: "line",
        name,
        color: traceColor(trace, fallback, "line"),
        x: trace.x ? [...trace.x] : indices(y.length),
        y,
        lines: mode.includes("lines"),
        markers: mode.includes("markers"),
        ...(typeof dash === "string" && dash !== "solid" ? { dash } : {}),
      });
    } else if (type === "bar") {
      const y = numbers(trace.y);
      traces.push({
        kind: "bar",
        name,
        color: traceColor(trace, fallback, "marker"),
        opacity: typeof trace.opacity === "number" ? trace.opacity : 1,
        x: trace.x ? [...trace.x] : indices(y.length),
        y,
        ...(typeof trace.width === "number" ? { width: trace.width } : {}),
      });
    } else if (type === "histogram") {
      traces.push(histogram(trace, name, traceColor(trace, fallback, "marker"), notes));
    } else {
      notes.push(`${name}: "${type}" traces have no static picture; the interactive figure shows it`);
    }
  });
  return { traces, notes };
}
