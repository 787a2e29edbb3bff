// Small helpers for constant tensors: sizes, storage allocation, construction.
import { ShapeError } from "../core/errors.js";
import type { DType, DTypeStorage, Tensor } from "./types.js";

/** Bytes one element takes in ONNX's raw_data / .npy encoding (strings: 0, not fixed; 4-bit types: ½, packed). */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = Object.freeze({
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
  string: 0,
  int4: 0.5,
  uint4: 0.5,
});

/** Bytes `count` elements take when stored: 4-bit types pack two to a byte, the last byte half used. */
export function storageBytes(dtype: DType, count: number): number {
  return Math.ceil(count * BYTES_PER_ELEMENT[dtype]);
}

export function numElements(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Allocates zeroed storage for `length` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, length: number): DTypeStorage[D] {
  const make: { [K in DType]: (n: number) => DTypeStorage[K] } = {
    float32: (n) => new Float32Array(n),
    float64: (n) => new Float64Array(n),
    float16: (n) => new Uint16Array(n),
    bfloat16: (n) => new Uint16Array(n),
    int8: (n) => new Int8Array(n),
    int16: (n) => new Int16Array(n),
    int32: (n) => new Int32Array(n),
    int64: (n) => new BigInt64Array(n),
    uint8: (n) => new Uint8Array(n),
    uint16: (n) => new Uint16Array(n),
    uint32: (n) => new Uint32Array(n),
    uint64: (n) => new BigUint64Array(n),
    bool: (n) => new Uint8Array(n),
    string: (n) => new Array<string>(n).fill(""),
    int4: (n) => new Int8Array(n),
    uint4: (n) => new Uint8Array(n),
  };
  return make[dtype](length) as DTypeStorage[D];
}

/** Builds a tensor, checking that the data length matches the dims. */
export function makeTensor<D extends DType>(dtype: D, dims: readonly number[], data: DTypeStorage[D]): Tensor<D> {
  const expected = numElements(dims);
  if (data.length !== expected) {
    throw new ShapeError(
      `tensor of dims [${dims.join(", ")}] needs ${expected} ${dtype} elements, got ${data.length}`,
      { details: { dims, expected, got: data.length } },
    );
  }
  return Object.freeze({ dtype, dims: Object.freeze([...dims]), data });
}

/** A float32 tensor from plain numbers. */
export function float32(dims: readonly number[], values: ArrayLike<number>): Tensor<"float32"> {
  return makeTensor("float32", dims, Float32Array.from(values));
}

/** An int64 tensor from plain numbers (shape-like constants: Reshape targets, Slice starts). */
export function int64(dims: readonly number[], values: ArrayLike<number>): Tensor<"int64"> {
  return makeTensor("int64", dims, BigInt64Array.from(Array.from(values, (v) => BigInt(v))));
}

/** Elements as JS numbers (int64 beyond 2^53 loses precision; fine for shapes and indices). */
export function toNumbers(t: Tensor): number[] {
  if (t.dtype === "string") throw new ShapeError("string tensors have no numeric values");
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
