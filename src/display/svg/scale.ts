// Axes for the static pictures: a data value → a pixel, and the ticks to label.
// Three kinds, as in Plotly: linear, log (the range is in log10 units, as
// Plotly's is) and category (one slot per label, in order of first appearance;
// positions are slot indices, so a category axis is a linear one over 0..n−1).

import { textWidth } from "./xml.js";

export type AxisKind = "linear" | "log" | "category";

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface Scale {
  readonly kind: AxisKind;
  /** Data position (a number, or a category's index) → pixel. */
  readonly px: (position: number) => number;
  /** Pixels per unit of position: a category slot's width, a bar's width per data unit. */
  readonly perUnit: number;
  readonly ticks: readonly Tick[];
  /** The positions the axis spans, low to high. */
  readonly domain: readonly [number, number];
  /** Category labels, in slot order (category axes only). */
  readonly categories: readonly string[];
  /** The position of a raw value on this axis; NaN if it has none (a label not on the axis, log of ≤ 0). */
  readonly position: (value: unknown) => number;
}

export interface ScaleInput {
  readonly kind: AxisKind;
  readonly categories: readonly string[];
  /** [a, b] in positions (log10 units on log axes, slot indices on category axes). */
  readonly range: readonly [number, number];
  readonly reversed: boolean;
  /** Pixels the axis spans, start to end (for y, bottom to top). */
  readonly pixels: readonly [number, number];
  /** Roughly how many pixels between ticks. */
  readonly tickSpacing: number;
  /** Which way the axis runs: labels sit side by side on x, stacked on y. */
  readonly along: "x" | "y";
}

/** Tick label font size, px. */
export const TICK_FONT = 11;

/** 1, 2 or 5 × a power of ten near `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

const SI = [
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
] as const;

/** The SI unit an axis reaching `magnitude` labels its ticks in: k from 10,000, M from a million, G from a billion. */
export function siUnit(magnitude: number): { readonly size: number; readonly suffix: string } {
  for (const [size, suffix] of SI) if (magnitude >= (size === 1e3 ? 1e4 : size)) return { size, suffix };
  return { size: 1, suffix: "" };
}

/** A tick label like Plotly's: the decimals the step needs (no trailing zeros), in the axis's SI unit, a real minus sign. */
export function tickLabel(value: number, step: number, unit = siUnit(Math.abs(value))): string {
  if (Math.abs(value) < step * 1e-9) value = 0;
  const scaledStep = step / unit.size;
  const decimals = scaledStep >= 1 ? 0 : Math.min(12, Math.ceil(-Math.log10(scaledStep) - 1e-9));
  // Trailing zeros go, as in Plotly's labels: 0, 0.2, …, 1.
  const text = (value / unit.size).toFixed(decimals).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return (text.startsWith("-") ? "\u2212" + text.slice(1) : text) + (value === 0 ? "" : unit.suffix);
}

export function linearTicks(lo: number, hi: number, count: number): Tick[] {
  const step = niceStep((hi - lo) / Math.max(1, count));
  const unit = siUnit(Math.max(Math.abs(lo), Math.abs(hi)));
  const ticks: Tick[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) ticks.push({ at: i * step, label: tickLabel(i * step, step, unit) });
  return ticks;
}

function logTicks(lo: number, hi: number, count: number): Tick[] {
  const decades = hi - lo;
  const every = Math.max(1, Math.ceil(decades / Math.max(1, count)));
  const ticks: Tick[] = [];
  for (let p = Math.ceil(lo - 1e-9); p <= hi + 1e-9; p += every) ticks.push({ at: p, label: tickLabel(10 ** p, 10 ** p) });
  // Less than a decade or two: add 2× and 5× so the axis is not left with one label.
  if (decades < 2) {
    for (let p = Math.floor(lo); p <= hi; p++) {
      for (const m of [2, 5]) {
        const at = p + Math.log10(m);
        if (at >= lo - 1e-9 && at <= hi + 1e-9) ticks.push({ at, label: tickLabel(m * 10 ** p, 10 ** p) });
      }
    }
    ticks.sort((a, b) => a.at - b.at);
  }
  return ticks;
}

/**
 * The range Plotly's autorange would roughly pick: the data's extent with `pad` (a fraction of
 * the span) added below and above; a single value gets room around it; category axes show every slot.
 */
export function autoRange(kind: AxisKind, extent: readonly [number, number] | undefined, categories: readonly string[], pad: readonly [number, number]): [number, number] {
  if (kind === "category") return [-0.5, Math.max(0, categories.length - 1) + 0.5];
  if (!extent) return [0, 1];
  const [lo, hi] = extent;
  if (hi === lo) return kind === "log" ? [lo - 0.5, hi + 0.5] : lo === 0 ? [-1, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  return [lo - (hi - lo) * pad[0], hi + (hi - lo) * pad[1]];
}

/** Raw value → position on an axis of this kind: a category's slot, log10 of a positive number, the number; NaN if none. */
export function positionOf(kind: AxisKind, categories: readonly string[]): (value: unknown) => number {
  const index = new Map(categories.map((c, i) => [c, i]));
  return (value) => {
    if (kind === "category") return index.get(String(value)) ?? Number.NaN;
    const v = typeof value === "number" ? value : value === null || value === undefined || value === "" ? Number.NaN : Number(value);
    if (kind === "log") return v > 0 ? Math.log10(v) : Number.NaN;
    return v;
  };
}

export function buildScale(input: ScaleInput): Scale {
  let [lo, hi] = input.range;
  if (lo > hi) [lo, hi] = [hi, lo];
  const [p0, p1] = input.reversed ? [input.pixels[1], input.pixels[0]] : input.pixels;
  const perUnit = (p1 - p0) / (hi - lo);
  const px = (v: number) => p0 + (v - lo) * perUnit;
  const count = Math.max(2, Math.floor(Math.abs(p1 - p0) / input.tickSpacing));
  let ticks: Tick[];
  if (input.kind === "category") {
    // Every label if they fit side by side (x) or one above the other (y), else every k-th.
    const room = input.along === "x" ? Math.max(0, ...input.categories.map((c) => textWidth(c, TICK_FONT))) + 8 : TICK_FONT + 4;
    const every = Math.max(1, Math.ceil((input.categories.length * room) / Math.abs(p1 - p0)));
    ticks = input.categories.map((label, at) => ({ at, label })).filter((t) => t.at % every === 0 && t.at >= lo && t.at <= hi);
  } else {
    ticks = input.kind === "log" ? logTicks(lo, hi, count) : linearTicks(lo, hi, count);
  }
  return { kind: input.kind, px, perUnit: Math.abs(perUnit), ticks, domain: [lo, hi], categories: input.categories, position: positionOf(input.kind, input.categories) };
}
