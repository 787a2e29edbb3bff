// Folding small known values through index rearrangements (Transpose, Slice),
// as PyTorch's F.pad export does to its pads: Reshape(-1, 2) → Slice(step -1)
// → Transpose → Reshape(-1).
import type { Dim } from "../types.js";

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Elements of `value` (shape `shape`) gathered along each axis at `picks[axis]` (row-major). */
export function pickValue(value: readonly Dim[], shape: readonly number[], picks: readonly (readonly number[])[]): Dim[] {
  const inStrides = strides(shape);
  const outShape = picks.map((p) => p.length);
  const total = outShape.reduce((a, b) => a * b, 1);
  const out: Dim[] = new Array(total);
  const outStrides = strides(outShape);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      const i = Math.floor(flat / outStrides[axis]) % outShape[axis];
      src += picks[axis][i] * inStrides[axis];
    }
    out[flat] = value[src] ?? null;
  }
  return out;
}

/** `value` (shape `shape`) with its axes permuted by `perm`. */
export function transposeValue(value: readonly Dim[], shape: readonly number[], perm: readonly number[]): Dim[] {
  const inStrides = strides(shape);
  const outShape = perm.map((p) => shape[p]);
  const outStrides = strides(outShape);
  const total = value.length;
  const out: Dim[] = new Array(total);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let axis = 0; axis < perm.length; axis++) {
      const i = Math.floor(flat / outStrides[axis]) % outShape[axis];
      src += i * inStrides[perm[axis]];
    }
    out[flat] = value[src];
  }
  return out;
}
