// Which weight values the report's histogram shows: the largest quantized
// weight, and within it the scale group (channel or block) with the widest
// range, since one grid only applies within one group.
import type { HistogramSource } from "./report.js";
import { groups, type QuantizedTensor } from "./quantize-tensor.js";

export interface QuantizedWeight {
  readonly layer: string;
  readonly original: Float32Array;
  readonly quantized: QuantizedTensor;
}

export function histogramSource(weights: readonly QuantizedWeight[]): HistogramSource | undefined {
  const largest = [...weights].sort((a, b) => b.original.length - a.original.length)[0];
  if (!largest) return undefined;
  const { quantized: q, original } = largest;
  const { groupOf, count } = groups(q.dims, q.granularity);
  const lo = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < original.length; i++) {
    const k = groupOf(i);
    lo[k] = Math.min(lo[k]!, original[i]!);
    hi[k] = Math.max(hi[k]!, original[i]!);
  }
  let widest = 0;
  for (let k = 1; k < count; k++) if (hi[k]! - lo[k]! > hi[widest]! - lo[widest]!) widest = k;
  const values: number[] = [];
  for (let i = 0; i < original.length; i++) if (groupOf(i) === widest) values.push(original[i]!);
  const what = count === 1 ? "whole tensor" : `${q.granularity.kind === "axis" ? "channel" : "block"} ${widest} of ${count}, the widest range`;
  return {
    layer: largest.layer,
    values: Float32Array.from(values),
    scale: q.scale[widest]!,
    zeroPoint: q.zeroPoint[widest]!,
    qmin: q.type.qmin,
    qmax: q.type.qmax,
    what,
  };
}
