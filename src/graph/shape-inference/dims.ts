// Arithmetic on possibly-symbolic dimensions. A dim is a number, a symbol
// ("N") or null (unknown); rules never invent a symbol that was not given.
import type { Dim } from "../types.js";

export function isKnown(d: Dim): d is number {
  return typeof d === "number";
}

export function allKnown(dims: readonly Dim[]): dims is readonly number[] {
  return dims.every(isKnown);
}

/** Product of dims: a number when all are known, the symbol when it is the only non-1 factor, else null. */
export function product(dims: readonly Dim[]): Dim {
  let n = 1;
  let symbol: Dim | undefined;
  for (const d of dims) {
    if (typeof d === "number") n *= d;
    else if (d === null || symbol !== undefined) return n === 0 ? 0 : null;
    else symbol = d;
  }
  if (symbol === undefined) return n;
  if (n === 0) return 0;
  return n === 1 ? symbol : null;
}

/** d * k for a known integer k. */
export function scale(d: Dim, k: number): Dim {
  if (typeof d === "number") return d * k;
  return k === 1 ? d : k === 0 ? 0 : null;
}

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (b === 0) return a;
  if (a === 0) return b;
  return null;
}

/** Normalizes a possibly negative axis against a rank; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/**
 * Multidirectional (numpy) broadcasting. Returns the result shape, or a
 * string describing the mismatch when two known dims cannot broadcast.
 */
export function broadcast(shapes: readonly (readonly Dim[])[]): Dim[] | string {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let result: Dim = 1;
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (result === 1) result = d;
      else if (result === d) continue;
      else if (typeof result === "number" && typeof d === "number") {
        return `cannot broadcast ${shapes.map(show).join(" with ")}: dimension ${i} is ${result} vs ${d}`;
      } else if (typeof d === "number") result = d; // a symbol that meets a size >1 must equal it
      else if (typeof result === "number") continue;
      else result = null; // two different symbols, or unknown: either may be 1
    }
    out.push(result);
  }
  return out;
}

export function show(shape: readonly Dim[] | undefined): string {
  if (shape === undefined) return "[?]";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

/** Merges two descriptions of one shape: known numbers win over symbols, symbols over null. */
export function mergeShapes(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): readonly Dim[] | undefined {
  if (a === undefined) return b;
  if (b === undefined || b.length !== a.length) return a;
  return a.map((d, i) => {
    const e = b[i];
    if (typeof d === "number") return d;
    if (typeof e === "number") return e;
    return d ?? e;
  });
}
