// ONNX TensorProto.DataType numbers ↔ our dtype names. Cast's "to", EyeLike's
// "dtype" and the ONNX reader/writer use these numbers.
import type { DType } from "./types.js";

export const DTYPE_FROM_ONNX: Readonly<Record<number, DType>> = Object.freeze({
  1: "float32",
  2: "uint8",
  3: "int8",
  4: "uint16",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
  16: "bfloat16",
  21: "uint4",
  22: "int4",
});

export const ONNX_FROM_DTYPE: Readonly<Record<DType, number>> = Object.freeze(
  Object.fromEntries(Object.entries(DTYPE_FROM_ONNX).map(([k, v]) => [v, Number(k)])) as Record<DType, number>,
);
