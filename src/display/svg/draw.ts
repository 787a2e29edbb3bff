// Drawing prepared traces on two scales: polylines and markers, grouped or
// fixed-width bars, heatmap cells with their values written on them.
import type { BarTrace, HeatTrace, LineTrace, PreparedTrace } from "./prepare.js";
import type { Scale } from "./scale.js";
import { colorAt, textColorOn } from "./colors.js";
import { esc, n, text, textWidth } from "./xml.js";

export interface Axes {
  readonly x: Scale;
  readonly y: Scale;
}

const DASHES: Record<string, string> = { dash: "6,4", dot: "2,3", dashdot: "8,3,2,3", longdash: "10,4" };

function lineTrace(t: LineTrace, { x, y }: Axes): string {
  const out: string[] = [];
  const points = t.x.map((xv, i) => [x.position(xv), y.position(t.y[i])] as const);
  if (t.lines) {
    // A non-finite value breaks the line, as Plotly's connectgaps: false does.
    const runs: string[] = [];
    let run: string[] = [];
    for (const [px, py] of points) {
      if (Number.isFinite(px) && Number.isFinite(py)) run.push(`${n(x.px(px))},${n(y.px(py))}`);
      else if (run.length) (runs.push(run.join(" ")), (run = []));
    }
    if (run.length) runs.push(run.join(" "));
    const dash = t.dash ? ` stroke-dasharray="${DASHES[t.dash] ?? "6,4"}"` : "";
    for (const r of runs) out.push(`<polyline points="${r}" fill="none" stroke="${esc(t.color)}" stroke-width="2" stroke-linejoin="round"${dash}/>`);
  }
  if (t.markers) {
    for (const [px, py] of points) {
      if (Number.isFinite(px) && Number.isFinite(py)) out.push(`<circle cx="${n(x.px(px))}" cy="${n(y.px(py))}" r="3" fill="${esc(t.color)}"/>`);
    }
  }
  return out.join("");
}

/** Distance between the closest two distinct positions: a numeric axis's bar slot. */
function slotOf(positions: readonly number[]): number {
  const sorted = [...new Set(positions.filter(Number.isFinite))].sort((a, b) => a - b);
  let slot = Infinity;
  for (let i = 1; i < sorted.length; i++) slot = Math.min(slot, sorted[i]! - sorted[i - 1]!);
  return Number.isFinite(slot) ? slot : 1;
}

export interface BarLayout {
  readonly gap: number;
  readonly group: boolean;
}

function barTraces(bars: readonly BarTrace[], axes: Axes, layout: BarLayout): string {
  const { x, y } = axes;
  const grouped = bars.filter((b) => b.width === undefined);
  const slot = x.kind === "category" ? 1 : slotOf(grouped.flatMap((b) => b.x.map((v) => x.position(v))));
  const share = layout.group && grouped.length > 1 ? grouped.length : 1;
  // Bars grow from 0; on a log axis, from the bottom.
  const base = y.kind === "log" ? y.px(y.domain[0]) : y.px(0);
  const out: string[] = [];
  for (const bar of bars) {
    const member = grouped.indexOf(bar);
    const width = bar.width ?? (slot * (1 - layout.gap)) / share;
    const offset = member >= 0 && share > 1 ? (member - (share - 1) / 2) * width : 0;
    const opacity = bar.opacity < 1 ? ` fill-opacity="${n(bar.opacity)}"` : "";
    bar.x.forEach((xv, i) => {
      const cx = x.position(xv);
      const v = y.position(bar.y[i]);
      if (!Number.isFinite(cx) || !Number.isFinite(v)) return;
      const left = x.px(cx + offset - width / 2);
      const right = x.px(cx + offset + width / 2);
      const top = y.px(v);
      out.push(`<rect x="${n(Math.min(left, right))}" y="${n(Math.min(top, base))}" width="${n(Math.abs(right - left))}" height="${n(Math.abs(base - top))}" fill="${esc(bar.color)}"${opacity}/>`);
    });
  }
  return out.join("");
}

/** A cell's edges along one axis: slots on a category axis, halfway to the neighbours on a numeric one. */
export function cellEdges(positions: readonly number[], category: boolean): [number, number][] {
  return positions.map((p, i) => {
    if (category || positions.length === 1) return [p - 0.5, p + 0.5];
    const before = i > 0 ? (p - positions[i - 1]!) / 2 : (positions[1]! - p) / 2;
    const after = i < positions.length - 1 ? (positions[i + 1]! - p) / 2 : before;
    return [p - before, p + after];
  });
}

/** `%{z}`, `%{z:.2f}`, `%{z:.1%}`: the texttemplate forms our figures use. */
export function cellLabel(template: string, z: number): string {
  return template.replace(/%\{z(?::\.(\d+)([f%]))?\}/g, (_m, digits: string | undefined, kind: string | undefined) => {
    if (!Number.isFinite(z)) return "";
    if (digits !== undefined) return kind === "%" ? `${(z * 100).toFixed(Number(digits))}%` : z.toFixed(Number(digits));
    return Number.isInteger(z) ? String(z) : String(Number(z.toPrecision(4)));
  });
}

function heatTrace(t: HeatTrace, { x, y }: Axes): string {
  const xs = cellEdges(t.x.map((v) => x.position(v)), x.kind === "category");
  const ys = cellEdges(t.y.map((v) => y.position(v)), y.kind === "category");
  const span = t.zmax - t.zmin || 1;
  const cells: string[] = [];
  const labels: string[] = [];
  t.z.forEach((row, r) => {
    const [y0, y1] = ys[r] ?? [Number.NaN, Number.NaN];
    row.forEach((z, c) => {
      const [x0, x1] = xs[c] ?? [Number.NaN, Number.NaN];
      if (![x0, x1, y0, y1, z].every(Number.isFinite)) return;
      const fill = colorAt(t.stops, (z - t.zmin) / span);
      const left = Math.min(x.px(x0), x.px(x1));
      const top = Math.min(y.px(y0), y.px(y1));
      const w = Math.abs(x.px(x1) - x.px(x0));
      const h = Math.abs(y.px(y1) - y.px(y0));
      // A hair wider than the cell so no seams show between neighbours.
      cells.push(`<rect x="${n(left)}" y="${n(top)}" width="${n(w + 0.4)}" height="${n(h + 0.4)}" fill="${fill}"/>`);
      if (t.template) {
        const label = cellLabel(t.template, z);
        const size = Math.min(12, h * 0.6);
        if (size >= 7 && textWidth(label, size) <= w) {
          labels.push(text(left + w / 2, top + h / 2 + size * 0.35, label, `text-anchor="middle" font-size="${n(size)}" fill="${textColorOn(fill)}"`));
        }
      }
    });
  });
  return cells.join("") + labels.join("");
}

export function drawTraces(traces: readonly PreparedTrace[], axes: Axes, bars: BarLayout): string {
  const heat = traces.filter((t): t is HeatTrace => t.kind === "heatmap").map((t) => heatTrace(t, axes));
  const barTraceList = traces.filter((t): t is BarTrace => t.kind === "bar");
  const lines = traces.filter((t): t is LineTrace => t.kind === "line").map((t) => lineTrace(t, axes));
  // Plotly's layer order: heatmaps, then bars, then lines on top.
  return heat.join("") + (barTraceList.length ? barTraces(barTraceList, axes, bars) : "") + lines.join("");
}
