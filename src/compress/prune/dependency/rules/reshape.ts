// How a reshape moves a channel axis. Reading both shapes row-major, input
// channel k of axis t sits at flat stride Suf = ∏ dims after t. An output
// axis j (stride after_j, size d_j) then
//   contains the channels when after_j divides Suf and d_j · after_j is a
//     multiple of S · Suf: its index q holds channel ⌊q / r⌋ mod S, r = Suf / after_j
//     (Flatten → Gemm: a block of H·W features per channel; merging heads:
//     channel q mod hd);
//   splits them when after_j = Suf and d_j divides S: it holds k mod d_j, and
//     every channel with the same k mod d_j must go together — a channel
//     shuffle's column, attention's per-head dimension: heads are kept and the
//     same dimensions are cut in each.
// Sizes may be symbolic ("batch", "4*batch"): strides compare as products of
// a number and symbols, and only their numeric ratios matter.
import { parseProduct } from "../../../../graph/shape-inference/dims.js";
import type { Dim } from "../../../../graph/types.js";
import type { Positions } from "../types.js";

interface Product {
  readonly coefficient: number;
  readonly symbols: readonly string[];
}

function productOf(dims: readonly Dim[]): Product | undefined {
  let coefficient = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (d === null) return undefined;
    const p = parseProduct(d);
    coefficient *= p.coefficient;
    symbols.push(...p.symbols);
  }
  return { coefficient, symbols: symbols.sort() };
}

/** a / b when it is a whole number (the symbols cancel), else undefined. */
function ratio(a: Product, b: Product): number | undefined {
  if (a.symbols.join("*") !== b.symbols.join("*") || b.coefficient === 0) return undefined;
  const r = a.coefficient / b.coefficient;
  return Number.isInteger(r) && r >= 1 ? r : undefined;
}

export type ReshapeMapping =
  | { readonly kind: "contains"; readonly axis: number; readonly positions: Positions }
  | { readonly kind: "splits"; readonly axis: number; readonly width: number };

/** Where input axis `t` (channels `positions`) lands in `outDims`, or undefined when no output axis holds it whole or as its low part. */
export function mapReshape(inDims: readonly Dim[], outDims: readonly Dim[], t: number, positions: Positions): ReshapeMapping | undefined {
  const size = positions.length;
  const suffix = productOf(inDims.slice(t + 1));
  if (!suffix) return undefined;
  for (let j = 0; j < outDims.length; j++) {
    const d = outDims[j];
    const after = productOf(outDims.slice(j + 1));
    if (typeof d !== "number" || !after) continue;
    const r = ratio(suffix, after);
    if (r === undefined) continue;
    if (d % (r * size) === 0) {
      const out = new Int32Array(d);
      for (let q = 0; q < d; q++) out[q] = positions[Math.floor(q / r) % size]!;
      return { kind: "contains", axis: j, positions: out };
    }
    if (r === 1 && d < size && size % d === 0) return { kind: "splits", axis: j, width: d };
  }
  return undefined;
}
