// Percentile calibration: the range keeps `percentile`% of |x| and clips the
// rest (onnxruntime's default is 99.999), trading rare outliers for a finer grid.
import type { HistogramObserver } from "./histogram.js";

export const DEFAULT_PERCENTILE = 99.999;

export function percentileRange(h: HistogramObserver, percentile = DEFAULT_PERCENTILE): [number, number] {
  let total = 0;
  for (const c of h.counts) total += c;
  if (total === 0) return [0, 0];
  const keep = (percentile / 100) * total;
  let sum = 0;
  for (let i = 0; i < h.counts.length; i++) {
    sum += h.counts[i]!;
    if (sum >= keep) return h.rangeFor((i + 1) * h.width);
  }
  return h.rangeFor(h.top);
}
