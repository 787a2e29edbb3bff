// A Plotly figure as a static SVG picture, for readers without JavaScript
// (GitHub's notebook viewer, nbconvert HTML opened offline, an untrusted
// notebook): title, axes with ticks and grid, the traces, a legend or a colour
// bar, and a note for anything it cannot draw. It approximates what plotly.js
// draws for the figures plot() builds; the interactive figure replaces it.
import type { PlotlyFigure } from "../plotly.js";
import { prepareTraces, type PreparedTrace } from "./prepare.js";
import { autoRange, buildScale, linearTicks, positionOf, TICK_FONT, type AxisKind, type Scale } from "./scale.js";
import { cellEdges, drawTraces } from "./draw.js";
import { colorAt } from "./colors.js";
import { esc, n, text, textWidth, titleText } from "./xml.js";

const FONT = `"Open Sans", verdana, arial, sans-serif`;
const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 360;

interface AxisLayout {
  readonly title: string;
  readonly type?: AxisKind;
  readonly range?: readonly [number, number];
  readonly reversed: boolean;
}

function axisLayout(raw: unknown): AxisLayout {
  const a = (raw ?? {}) as Record<string, unknown>;
  const type = a.type === "linear" || a.type === "log" || a.type === "category" ? a.type : undefined;
  const range = Array.isArray(a.range) && a.range.length === 2 && a.range.every((v) => typeof v === "number") ? (a.range as [number, number]) : undefined;
  return { title: titleText(a.title), ...(type ? { type } : {}), ...(range ? { range } : {}), reversed: a.autorange === "reversed" };
}

/** The raw values each trace puts on one axis. */
function axisValues(t: PreparedTrace, axis: "x" | "y"): readonly unknown[] {
  return t[axis];
}

function axisKind(layout: AxisLayout, traces: readonly PreparedTrace[], axis: "x" | "y"): AxisKind {
  if (layout.type) return layout.type;
  // As Plotly's autotype: text that is not a number makes a category axis.
  const text = traces.some((t) => axisValues(t, axis).some((v) => typeof v === "string" && (v.trim() === "" || !Number.isFinite(Number(v)))));
  return text ? "category" : "linear";
}

function categoriesOf(traces: readonly PreparedTrace[], axis: "x" | "y"): string[] {
  const seen = new Set<string>();
  for (const t of traces) for (const v of axisValues(t, axis)) if (v !== null && v !== undefined) seen.add(String(v));
  return [...seen];
}

function extentOf(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Positions the data reaches on an axis: points, bar edges and baselines, heatmap cell edges. */
function reach(traces: readonly PreparedTrace[], axis: "x" | "y", kind: AxisKind, position: (v: unknown) => number): number[] {
  const out: number[] = [];
  for (const t of traces) {
    const positions = axisValues(t, axis).map(position);
    if (t.kind === "heatmap") out.push(...cellEdges(positions, kind === "category").flat());
    else if (t.kind === "bar" && axis === "x" && t.width !== undefined) positions.forEach((p) => out.push(p - t.width! / 2, p + t.width! / 2));
    else out.push(...positions);
    if (t.kind === "bar" && axis === "y" && kind === "linear") out.push(0);
  }
  return out;
}

function padFor(traces: readonly PreparedTrace[], axis: "x" | "y", extent: [number, number] | undefined): [number, number] {
  const onlyCells = traces.every((t) => t.kind === "heatmap" || (t.kind === "bar" && axis === "x"));
  if (onlyCells) return [0, 0];
  if (axis === "x") return traces.some((t) => t.kind === "line" && t.markers) ? [0.04, 0.04] : [0, 0];
  // Bars grow from zero: no room below a zero baseline.
  const fromZero = traces.some((t) => t.kind === "bar") && extent !== undefined && extent[0] === 0;
  return [fromZero ? 0 : 0.05, 0.05];
}

function makeScale(traces: readonly PreparedTrace[], layout: AxisLayout, axis: "x" | "y", pixels: [number, number]): Scale {
  const kind = axisKind(layout, traces, axis);
  const categories = kind === "category" ? categoriesOf(traces, axis) : [];
  const extent = extentOf(reach(traces, axis, kind, positionOf(kind, categories)));
  const range = layout.range ?? autoRange(kind, extent, categories, padFor(traces, axis, extent));
  return buildScale({ kind, categories, range, reversed: layout.reversed, pixels, tickSpacing: axis === "x" ? 90 : 50, along: axis });
}

/** FNV-1a: ids for clip paths and gradients, the same for the same figure, so outputs are stable. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export function figureSvg(figure: PlotlyFigure, options: { id?: string } = {}): string {
  const layout = (figure.layout ?? {}) as Record<string, unknown>;
  const W = typeof layout.width === "number" ? layout.width : DEFAULT_WIDTH;
  const H = typeof layout.height === "number" ? layout.height : DEFAULT_HEIGHT;
  const id = options.id ?? `compactor-svg-${hash(JSON.stringify(figure))}`;
  const { traces, notes } = prepareTraces(figure.data);
  const title = titleText(layout.title);
  const xLayout = axisLayout(layout.xaxis);
  const yLayout = axisLayout(layout.yaxis);

  const legendTraces = traces.filter((t) => t.kind !== "heatmap");
  const showLegend = legendTraces.length > 0 && (typeof layout.showlegend === "boolean" ? layout.showlegend : legendTraces.length > 1);
  const heat = traces.find((t) => t.kind === "heatmap");
  const legendWidth = showLegend ? 46 + Math.max(...legendTraces.map((t) => textWidth(t.name, 12))) : 0;
  const right = showLegend ? legendWidth + 12 : heat ? 78 : 16;
  const top = title ? 44 : 14;
  const bottom = 30 + (xLayout.title ? 20 : 0);

  // y's tick labels decide the left margin: measure them on a first pass.
  const firstY = makeScale(traces, yLayout, "y", [H - bottom, top]);
  const left = 12 + Math.max(20, ...firstY.ticks.map((t) => textWidth(t.label, TICK_FONT))) + (yLayout.title ? 22 : 0);
  const plotW = Math.max(40, W - left - right);
  const plotH = Math.max(40, H - top - bottom);
  const x = makeScale(traces, xLayout, "x", [left, left + plotW]);
  const y = makeScale(traces, yLayout, "y", [top + plotH, top]);

  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<defs><clipPath id="${id}-clip"><rect x="${n(left)}" y="${n(top)}" width="${n(plotW)}" height="${n(plotH)}"/></clipPath></defs>`);
  const grid: string[] = [];
  for (const t of x.kind === "category" ? [] : x.ticks) grid.push(`M${n(x.px(t.at))} ${n(top)}V${n(top + plotH)}`);
  for (const t of y.kind === "category" ? [] : y.ticks) grid.push(`M${n(left)} ${n(y.px(t.at))}H${n(left + plotW)}`);
  if (grid.length && !heat) parts.push(`<path d="${grid.join("")}" stroke="#eee" stroke-width="1"/>`);
  parts.push(`<g clip-path="url(#${id}-clip)">${drawTraces(traces, { x, y }, { gap: typeof layout.bargap === "number" ? layout.bargap : 0.2, group: layout.barmode !== "overlay" })}</g>`);
  // Zero lines, as Plotly draws them on linear axes that cross 0.
  if (y.kind === "linear" && y.domain[0] < 0 && y.domain[1] > 0) parts.push(`<path d="M${n(left)} ${n(y.px(0))}H${n(left + plotW)}" stroke="#444" stroke-width="1"/>`);
  if (x.kind === "linear" && x.domain[0] < 0 && x.domain[1] > 0) parts.push(`<path d="M${n(x.px(0))} ${n(top)}V${n(top + plotH)}" stroke="#444" stroke-width="1"/>`);

  const ticks = `font-size="${TICK_FONT}" fill="#444"`;
  for (const t of x.ticks) parts.push(text(x.px(t.at), top + plotH + 16, t.label, `text-anchor="middle" ${ticks}`));
  for (const t of y.ticks) parts.push(text(left - 6, y.px(t.at) + 4, t.label, `text-anchor="end" ${ticks}`));
  if (xLayout.title) parts.push(text(left + plotW / 2, H - 8, xLayout.title, `text-anchor="middle" font-size="13" fill="#444"`));
  if (yLayout.title) {
    const cx = 14;
    const cy = top + plotH / 2;
    parts.push(text(cx, cy, yLayout.title, `text-anchor="middle" font-size="13" fill="#444" transform="rotate(-90 ${n(cx)} ${n(cy)})"`));
  }
  if (title) parts.push(text(W / 2, 26, title, `text-anchor="middle" font-size="17" fill="#444"`));

  if (showLegend) {
    const lx = left + plotW + 14;
    legendTraces.forEach((t, i) => {
      const ly = top + 10 + i * 20;
      const swatch =
        t.kind === "line" && t.lines
          ? `<path d="M${n(lx)} ${n(ly)}h24" stroke="${esc(t.color)}" stroke-width="2"${t.dash ? ' stroke-dasharray="6,4"' : ""}/>`
          : t.kind === "line"
            ? `<circle cx="${n(lx + 12)}" cy="${n(ly)}" r="3" fill="${esc(t.color)}"/>`
            : `<rect x="${n(lx + 6)}" y="${n(ly - 6)}" width="12" height="12" fill="${esc(t.color)}"/>`;
      parts.push(swatch + text(lx + 30, ly + 4, t.name, `font-size="12" fill="#444"`));
    });
  } else if (heat && heat.kind === "heatmap") {
    const bx = left + plotW + 14;
    const stops = heat.stops.map(([t]) => `<stop offset="${n(t * 100)}%" stop-color="${colorAt(heat.stops, t)}"/>`).join("");
    parts.push(`<defs><linearGradient id="${id}-bar" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`);
    parts.push(`<rect x="${n(bx)}" y="${n(top)}" width="12" height="${n(plotH)}" fill="url(#${id}-bar)"/>`);
    const span = heat.zmax - heat.zmin || 1;
    for (const t of linearTicks(heat.zmin, heat.zmax, 5)) {
      const ty = top + plotH - ((t.at - heat.zmin) / span) * plotH;
      parts.push(text(bx + 16, ty + 4, t.label, `${ticks}`));
    }
  }
  notes.forEach((note, i) => parts.push(text(left + 6, top + plotH - 8 - i * 14, note, `font-size="11" fill="#a33"`)));

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family='${FONT}' role="img" aria-label="${esc(title || "figure")}" style="max-width:100%;height:auto">` +
    (title ? `<title>${esc(title)}</title>` : "") +
    parts.join("") +
    `</svg>`
  );
}
