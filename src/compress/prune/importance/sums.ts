// Per-index sums over one axis of a tensor, and adding them up per unit: the
// arithmetic every importance criterion shares.
import type { Tensor } from "../../../graph/types.js";
import type { Units } from "../dependency/units.js";
import type { Positions, UnitId } from "../dependency/types.js";

/** Σ f(value) over every element at each index of `axis`. */
export function indexSums(values: ArrayLike<number>, dims: readonly number[], axis: number, f: (v: number) => number): Float64Array {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis]!;
  const sums = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      const from = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) s += f(values[from + i]!);
      sums[k]! += s;
    }
  }
  return sums;
}

export function floatValues(t: Tensor): ArrayLike<number> {
  return t.data as ArrayLike<number>;
}

/** Adds per-index values to each index's unit. */
export function addToUnits(scores: Map<UnitId, number>, units: Units, positions: Positions, perIndex: ArrayLike<number>): void {
  for (let i = 0; i < positions.length; i++) {
    const u = units.find(positions[i]!);
    scores.set(u, (scores.get(u) ?? 0) + perIndex[i]!);
  }
}
