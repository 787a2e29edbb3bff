// Arithmetic on possibly-symbolic dimensions. A dim is a number, a symbol
// ("N") or null (unknown); rules never invent a symbol that was not given.
import type { Dim } from "../types.js";

export function isKnown(d: Dim): d is number {
  return typeof d === "number";
}

export function allKnown(dims: readonly Dim[]): dims is readonly number[] {
  return dims.every(isKnown);
}

/**
 * A symbolic dim as coefficient × symbols. Products of symbols are written
 * "4*batch" (coefficient first, symbols sorted), so attention's batch × heads
 * reshapes stay exact; "*" never appears in a plain symbol name.
 */
export interface SymbolicProduct {
  readonly coefficient: number;
  readonly symbols: readonly string[];
}

export function parseProduct(d: number | string): SymbolicProduct {
  if (typeof d === "number") return { coefficient: d, symbols: [] };
  let coefficient = 1;
  const symbols: string[] = [];
  for (const part of d.split("*")) {
    const n = Number(part);
    if (part !== "" && Number.isInteger(n)) coefficient *= n;
    else symbols.push(part);
  }
  return { coefficient, symbols };
}

export function formatProduct({ coefficient, symbols }: SymbolicProduct): Dim {
  if (symbols.length === 0 || coefficient === 0) return coefficient;
  const sorted = [...symbols].sort().join("*");
  return coefficient === 1 ? sorted : `${coefficient}*${sorted}`;
}

/** a × b, symbolic where needed; null when either is unknown (unless the other is 0). */
export function multiply(a: Dim, b: Dim): Dim {
  if (a === 0 || b === 0) return 0;
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return a * b;
  // A symbol times a fraction (float shape arithmetic before a Floor) is not a size.
  if (!Number.isInteger(a) && typeof a === "number") return null;
  if (!Number.isInteger(b) && typeof b === "number") return null;
  const p = parseProduct(a);
  const q = parseProduct(b);
  return formatProduct({ coefficient: p.coefficient * q.coefficient, symbols: [...p.symbols, ...q.symbols] });
}

/** a ÷ b when it divides exactly (cancelling shared symbols), else null. */
export function divide(a: Dim, b: Dim): Dim {
  if (a === null || b === null || b === 0) return null;
  if (typeof a === "number" && typeof b === "number") return a % b === 0 ? a / b : null;
  const p = parseProduct(a);
  const q = parseProduct(b);
  if (p.coefficient % q.coefficient !== 0) return null;
  const rest = [...p.symbols];
  for (const s of q.symbols) {
    const i = rest.indexOf(s);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  return formatProduct({ coefficient: p.coefficient / q.coefficient, symbols: rest });
}

/** Product of dims; symbolic products such as "3*N" when symbols are involved, null when any is unknown. */
export function product(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => multiply(acc, d), 1);
}

/** d * k for a known integer k. */
export function scale(d: Dim, k: number): Dim {
  return multiply(d, k);
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
