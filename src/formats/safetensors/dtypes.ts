// safetensors dtype codes and compactor's DTypes. F8 types have no Tensor
// storage here; they are named in the error instead of being misread.
import type { DType } from "../../graph/types.js";

export const SAFETENSORS_DTYPES = Object.freeze({
  F64: "float64",
  F32: "float32",
  F16: "float16",
  BF16: "bfloat16",
  I64: "int64",
  I32: "int32",
  I16: "int16",
  I8: "int8",
  U64: "uint64",
  U32: "uint32",
  U16: "uint16",
  U8: "uint8",
  BOOL: "bool",
} as const satisfies Record<string, DType>);
export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPES;

/** Codes in the spec that compactor cannot hold (no 8-bit float storage). */
export const UNSUPPORTED_DTYPES = Object.freeze(["F8_E5M2", "F8_E4M3"]);

export const CODE_OF_DTYPE: ReadonlyMap<DType, SafetensorsDType> = new Map(
  Object.entries(SAFETENSORS_DTYPES).map(([code, dtype]) => [dtype as DType, code as SafetensorsDType]),
);
