// Histogram bins, computed once on our side: plot.histogram sends Plotly the
// counts (not a million raw weights), and the static picture draws the same
// bars the interactive figure shows.
import { niceStep } from "./svg/scale.js";

export interface BinOptions {
  /** About how many bins (default: Sturges' rule, log2(n) + 1, from 5 to 60). */
  readonly bins?: number;
  /** Exact bins, as Plotly's xbins: first edge, last edge, width. */
  readonly start?: number;
  readonly end?: number;
  readonly size?: number;
}

export interface Bins {
  readonly start: number;
  readonly size: number;
  /** counts[i] covers [start + i·size, start + (i + 1)·size); the last bin also takes its upper edge. */
  readonly counts: readonly number[];
  /** Values that were not finite (NaN, ±Infinity) or fell outside [start, end]. */
  readonly dropped: number;
}

export function binValues(values: ArrayLike<number>, options: BinOptions = {}): Bins {
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (finite === 0) return { start: 0, size: 1, counts: [], dropped: values.length };
  const wanted = options.bins ?? Math.min(60, Math.max(5, Math.ceil(Math.log2(finite)) + 1));
  const size = options.size ?? (max > min ? niceStep((max - min) / wanted) : 1);
  const start = options.start ?? Math.floor(min / size) * size;
  const end = options.end ?? Math.max(start + size, Math.ceil(max / size) * size);
  const count = Math.max(1, Math.round((end - start) / size));
  const counts = new Array<number>(count).fill(0);
  let dropped = values.length - finite;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < start || v > end) {
      dropped++;
      continue;
    }
    counts[Math.min(count - 1, Math.floor((v - start) / size))]!++;
  }
  return { start, size, counts, dropped };
}
