// Keeping some indices of a tensor along one axis: the one tensor operation a
// channel cut needs (weights, biases, BatchNorm statistics, masks).
import { allocate } from "../../../graph/tensor.js";
import type { DTypeStorage, Tensor } from "../../../graph/types.js";

/** The tensor with only `kept` (ascending indices) along `axis`. */
export function keepAlong<T extends Tensor>(tensor: T, axis: number, kept: readonly number[]): T {
  const dims = tensor.dims;
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis]!;
  const data = allocate(tensor.dtype, outer * kept.length * inner) as DTypeStorage[T["dtype"]];
  copyKept(tensor.data as ArrayLike<unknown>, data as unknown as Writable, outer, n, inner, kept);
  const next = [...dims];
  next[axis] = kept.length;
  return Object.freeze({ dtype: tensor.dtype, dims: Object.freeze(next), data }) as T;
}

type Writable = { [i: number]: unknown; set?: (src: ArrayLike<unknown>, offset: number) => void };

function copyKept(src: ArrayLike<unknown>, dst: Writable, outer: number, n: number, inner: number, kept: readonly number[]): void {
  const typed = ArrayBuffer.isView(src) && typeof dst.set === "function";
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of kept) {
      const from = (o * n + k) * inner;
      if (typed) dst.set!((src as unknown as Int8Array).subarray(from, from + inner) as unknown as ArrayLike<unknown>, at);
      else for (let i = 0; i < inner; i++) dst[at + i] = src[from + i];
      at += inner;
    }
  }
}

/** A flat 0/1 mask cut like its initializer (same dims). */
export function keepMaskAlong(mask: Uint8Array, dims: readonly number[], axis: number, kept: readonly number[]): Uint8Array {
  return keepAlong({ dtype: "uint8", dims, data: mask }, axis, kept).data as Uint8Array;
}
