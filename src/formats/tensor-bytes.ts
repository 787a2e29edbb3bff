// Little-endian bytes ↔ typed tensor storage, shared by the weight formats
// (safetensors, PyTorch storages, TF.js shards). The host is little-endian
// (x64/arm64 Node), so storage bytes are the file's bytes.
import { BYTES_PER_ELEMENT } from "../graph/tensor.js";
import type { DType, TensorData } from "../graph/types.js";

export type NumericDType = Exclude<DType, "string">;

/** Typed storage over `buffer` (whose length must be a multiple of the element size). */
export function typedArrayOn(dtype: NumericDType, buffer: ArrayBuffer, byteOffset = 0, length?: number): Exclude<TensorData, string[]> {
  const n = length ?? (buffer.byteLength - byteOffset) / BYTES_PER_ELEMENT[dtype];
  switch (dtype) {
    case "float32": return new Float32Array(buffer, byteOffset, n);
    case "float64": return new Float64Array(buffer, byteOffset, n);
    case "float16": case "bfloat16": case "uint16": return new Uint16Array(buffer, byteOffset, n);
    case "int8": return new Int8Array(buffer, byteOffset, n);
    case "int16": return new Int16Array(buffer, byteOffset, n);
    case "int32": return new Int32Array(buffer, byteOffset, n);
    case "int64": return new BigInt64Array(buffer, byteOffset, n);
    case "uint8": case "bool": return new Uint8Array(buffer, byteOffset, n);
    case "uint32": return new Uint32Array(buffer, byteOffset, n);
    case "uint64": return new BigUint64Array(buffer, byteOffset, n);
  }
}

/** `count` elements of `dtype` copied out of `bytes` (aligned, owning its memory). */
export function typedFromBytes(dtype: NumericDType, bytes: Uint8Array, count: number): Exclude<TensorData, string[]> {
  const copy = new Uint8Array(count * BYTES_PER_ELEMENT[dtype]);
  copy.set(bytes.subarray(0, copy.length));
  return typedArrayOn(dtype, copy.buffer);
}

/** The bytes of typed storage, without a copy. */
export function bytesOf(data: Exclude<TensorData, string[]>): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
