// TensorProto ↔ Tensor. Reading accepts every place ONNX lets data live
// (raw_data, the typed *_data fields, external files); writing always uses
// raw_data (string_data for strings), as onnx's own numpy_helper does.
// int4/uint4 are packed two to a byte in files (element 2k in the low nibble,
// 2k+1 in the high one, ONNX IR "INT4") and held one per byte in memory.
import { FormatError } from "../../core/errors.js";
import { storageBytes } from "../../graph/tensor.js";
import type { DType, Tensor, TensorData } from "../../graph/types.js";
import { readExternalData } from "./external.js";
import {
  DATA_LOCATION_EXTERNAL,
  ONNX_DATA_TYPE,
  bytesToString,
  has,
  int64ToBigInt,
  int64ToNumber,
  stringToBytes,
  type Int64,
  type TensorProto,
} from "./proto.js";

/** ONNX data type number for each dtype compactor stores. */
export const ONNX_TYPE_OF: Readonly<Record<DType, number>> = Object.freeze({
  float32: ONNX_DATA_TYPE.FLOAT,
  float64: ONNX_DATA_TYPE.DOUBLE,
  float16: ONNX_DATA_TYPE.FLOAT16,
  bfloat16: ONNX_DATA_TYPE.BFLOAT16,
  int8: ONNX_DATA_TYPE.INT8,
  int16: ONNX_DATA_TYPE.INT16,
  int32: ONNX_DATA_TYPE.INT32,
  int64: ONNX_DATA_TYPE.INT64,
  uint8: ONNX_DATA_TYPE.UINT8,
  uint16: ONNX_DATA_TYPE.UINT16,
  uint32: ONNX_DATA_TYPE.UINT32,
  uint64: ONNX_DATA_TYPE.UINT64,
  bool: ONNX_DATA_TYPE.BOOL,
  string: ONNX_DATA_TYPE.STRING,
  int4: ONNX_DATA_TYPE.INT4,
  uint4: ONNX_DATA_TYPE.UINT4,
});

const DTYPE_OF = new Map<number, DType>(Object.entries(ONNX_TYPE_OF).map(([d, n]) => [n, d as DType]));
const ONNX_TYPE_NAMES = new Map<number, string>(Object.entries(ONNX_DATA_TYPE).map(([name, n]) => [n, name]));

/**
 * Largest tensor we agree to allocate: protobuf messages stop at 2 GB and
 * bigger models are out of scope, so a larger declared size is a malformed or
 * hostile file, not a weight.
 */
export const MAX_TENSOR_BYTES = 2 ** 32;

export interface TensorReadContext {
  readonly file?: string;
  readonly externalDataDir?: string;
  /** What the tensor is, for messages: `initializer "conv.weight"`. */
  readonly where: string;
}

function fail(message: string, ctx: TensorReadContext): never {
  throw new FormatError(`${ctx.file ?? "ONNX bytes"}: ${ctx.where}: ${message}`, { file: ctx.file });
}

/** An ONNX elem_type/data_type number as a dtype, or a FormatError naming it. */
export function dtypeFromOnnx(code: number, ctx: TensorReadContext): DType {
  const dtype = DTYPE_OF.get(code);
  if (dtype !== undefined) return dtype;
  const name = ONNX_TYPE_NAMES.get(code);
  fail(
    name !== undefined
      ? `data type ${name} (${code}) is not supported; supported: ${[...DTYPE_OF.keys()].map((c) => ONNX_TYPE_NAMES.get(c)).join(", ")}`
      : `unknown data type ${code}`,
    ctx,
  );
}

function checkedDims(raw: readonly Int64[], ctx: TensorReadContext): { dims: number[]; count: number } {
  const dims = raw.map(int64ToNumber);
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`dims [${dims.join(", ")}] contain ${d}, not a size`, ctx);
    count *= d;
    // Checked per step so a product of absurd dims cannot overflow past the check.
    if (count > MAX_TENSOR_BYTES) {
      fail(`dims [${dims.join(", ")}] declare more than ${MAX_TENSOR_BYTES} elements; refused`, ctx);
    }
  }
  return { dims, count };
}

/** Packed nibbles (low first) → one value per element; int4 sign-extended. */
export function unpackNibbles(bytes: ArrayLike<number>, count: number, signed: boolean): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = ((bytes[i >> 1] ?? 0) >> ((i & 1) * 4)) & 0xf;
    out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}

/** One value per element → packed nibbles, element 2k in the low half of byte k. */
export function packNibbles(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1]! |= (values[i]! & 0xf) << ((i & 1) * 4);
  return out;
}

/** Little-endian bytes → typed storage, copied so the result is aligned and owns its memory. */
function fromBytes(dtype: Exclude<DType, "string">, bytes: Uint8Array, count: number): TensorData {
  if (dtype === "int4" || dtype === "uint4") return unpackNibbles(bytes, count, dtype === "int4");
  const copy = new Uint8Array(storageBytes(dtype, count));
  copy.set(bytes.subarray(0, copy.length));
  const b = copy.buffer;
  switch (dtype) {
    case "float32": return new Float32Array(b);
    case "float64": return new Float64Array(b);
    case "float16": case "bfloat16": case "uint16": return new Uint16Array(b);
    case "int8": return new Int8Array(b);
    case "int16": return new Int16Array(b);
    case "int32": return new Int32Array(b);
    case "int64": return new BigInt64Array(b);
    case "uint8": case "bool": return copy;
    case "uint32": return new Uint32Array(b);
    case "uint64": return new BigUint64Array(b);
  }
}

/** Which typed field ONNX uses for each dtype (onnx.proto, TensorProto comments). */
function fromTypedField(dtype: DType, p: TensorProto, count: number, ctx: TensorReadContext): TensorData {
  const field = ((): { name: string; values: readonly unknown[] } => {
    switch (dtype) {
      case "float32": return { name: "float_data", values: p.float_data };
      case "float64": return { name: "double_data", values: p.double_data };
      case "int64": return { name: "int64_data", values: p.int64_data };
      case "uint32": case "uint64": return { name: "uint64_data", values: p.uint64_data };
      case "string": return { name: "string_data", values: p.string_data };
      default: return { name: "int32_data", values: p.int32_data };
    }
  })();
  const needed = dtype === "int4" || dtype === "uint4" ? Math.ceil(count / 2) : count;
  if (field.values.length !== needed) {
    fail(`dims need ${needed} ${needed === count ? "elements" : "packed bytes"} but ${field.name} has ${field.values.length} (and there is no raw_data)`, ctx);
  }
  switch (dtype) {
    case "float32": return Float32Array.from(p.float_data);
    case "float64": return Float64Array.from(p.double_data);
    case "int64": return BigInt64Array.from(p.int64_data, (v) => int64ToBigInt(v));
    case "uint32": return Uint32Array.from(p.uint64_data, (v) => Number(int64ToBigInt(v, true)));
    case "uint64": return BigUint64Array.from(p.uint64_data, (v) => int64ToBigInt(v, true));
    case "string": return p.string_data.map(bytesToString);
    case "float16": case "bfloat16": case "uint16": return Uint16Array.from(p.int32_data);
    case "int8": return Int8Array.from(p.int32_data);
    case "int16": return Int16Array.from(p.int32_data);
    case "int32": return Int32Array.from(p.int32_data);
    case "uint8": return Uint8Array.from(p.int32_data);
    case "bool": return Uint8Array.from(p.int32_data, (v) => (v !== 0 ? 1 : 0));
    // onnx's numpy_helper: each int32 holds one packed byte of two 4-bit values.
    case "int4": case "uint4": return unpackNibbles(p.int32_data, count, dtype === "int4");
  }
}

/** Decodes one TensorProto, checking declared sizes against the bytes present before allocating. */
export function tensorFromProto(p: TensorProto, ctx: TensorReadContext): Tensor {
  if (!has(p, "data_type")) fail("has no data_type", ctx);
  const dtype = dtypeFromOnnx(p.data_type!, ctx);
  if (has(p, "segment")) fail("is split into segments, which ONNX runtimes do not support either", ctx);
  const { dims, count } = checkedDims(p.dims, ctx);
  const external = p.data_location === DATA_LOCATION_EXTERNAL;
  const raw = has(p, "raw_data") ? p.raw_data! : undefined;
  let data: TensorData;
  if (dtype === "string") {
    if (external || (raw !== undefined && raw.length > 0)) fail("string tensors must use string_data, not raw or external data", ctx);
    data = fromTypedField(dtype, p, count, ctx);
  } else if (external) {
    const bytes = readExternalData(p.external_data, storageBytes(dtype, count), ctx);
    data = fromBytes(dtype, bytes, count);
  } else if (raw !== undefined) {
    const need = storageBytes(dtype, count);
    if (raw.length !== need) {
      fail(`dims [${dims.join(", ")}] of ${dtype} need ${need} bytes but raw_data has ${raw.length}`, ctx);
    }
    data = fromBytes(dtype, raw, count);
  } else {
    data = fromTypedField(dtype, p, count, ctx);
  }
  return Object.freeze({ dtype, dims: Object.freeze(dims), data }) as Tensor;
}

/** Little-endian bytes of typed storage (the host is little-endian: x64/arm64 Node). */
function toBytes(data: Exclude<TensorData, string[]>): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A plain object protobufjs encodes as a TensorProto. */
export function tensorToProto(name: string, t: Tensor): Record<string, unknown> {
  const proto: Record<string, unknown> = { name, dims: [...t.dims], data_type: ONNX_TYPE_OF[t.dtype] };
  if (t.dtype === "string") proto.string_data = (t.data as string[]).map(stringToBytes);
  else if (t.dtype === "int4" || t.dtype === "uint4") proto.raw_data = packNibbles(t.data as Int8Array | Uint8Array);
  else proto.raw_data = toBytes(t.data as Exclude<TensorData, string[]>);
  return proto;
}
