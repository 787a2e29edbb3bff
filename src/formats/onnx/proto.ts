// The official ONNX schema, parsed once by protobufjs, and the shapes of the
// messages it decodes to. Field names keep the schema's snake_case (keepCase)
// so what we read here matches onnx.proto line for line.
import protobuf from "protobufjs";
import { ONNX_PROTO } from "./schema.js";

/** protobufjs decodes int64 fields to `Long` objects (plain numbers when given on encode). */
export interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}
export type Int64 = LongLike | number;

export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface TensorProto {
  dims: Int64[];
  data_type?: number;
  segment?: unknown;
  float_data: number[];
  int32_data: number[];
  string_data: Uint8Array[];
  int64_data: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data: StringStringEntryProto[];
  data_location?: number;
  double_data: number[];
  uint64_data: Int64[];
}

export interface DimensionProto {
  dim_value?: Int64;
  dim_param?: string;
  denotation?: string;
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim: DimensionProto[] } | null } | null;
  sequence_type?: unknown;
  map_type?: unknown;
  optional_type?: unknown;
  sparse_tensor_type?: unknown;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto | null;
  doc_string?: string;
}

export interface AttributeProto {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  sparse_tensor?: unknown;
  tp?: unknown;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
  sparse_tensors: unknown[];
  type_protos: unknown[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute: AttributeProto[];
  doc_string?: string;
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  sparse_initializer: unknown[];
  doc_string?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface FunctionProto {
  name?: string;
  domain?: string;
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props: StringStringEntryProto[];
  functions: FunctionProto[];
}

/** TensorProto.DataType numbers, from onnx.proto. */
export const ONNX_DATA_TYPE = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const);

/** AttributeProto.AttributeType numbers, from onnx.proto. */
export const ONNX_ATTRIBUTE_TYPE = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const);

/** TensorProto.DataLocation.EXTERNAL */
export const DATA_LOCATION_EXTERNAL = 1;

interface OnnxTypes {
  readonly model: protobuf.Type;
  readonly tensor: protobuf.Type;
}

let types: OnnxTypes | undefined;

/** The protobufjs message types, parsed from the embedded schema on first use. */
export function onnxTypes(): OnnxTypes {
  if (types === undefined) {
    const { root } = protobuf.parse(ONNX_PROTO, { keepCase: true });
    types = { model: root.lookupType("onnx.ModelProto"), tensor: root.lookupType("onnx.TensorProto") };
  }
  return types;
}

/** True when a proto2 optional field was present on the wire (not just defaulted). */
export function has<T extends object>(message: T, field: keyof T & string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field) && (message as Record<string, unknown>)[field] != null;
}

function isLong(v: Int64): v is LongLike {
  return typeof v === "object";
}

/** An int64 field as a bigint, exactly. */
export function int64ToBigInt(v: Int64, unsigned = false): bigint {
  if (!isLong(v)) return unsigned ? BigInt.asUintN(64, BigInt(v)) : BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
}

/**
 * An int64 field as a JS number. Values beyond 2^53 (INT64_MAX as "to the end"
 * in old Slice attributes) round to the nearest double, which encodes back to
 * the same saturated int64.
 */
export function int64ToNumber(v: Int64): number {
  return isLong(v) ? Number(int64ToBigInt(v)) : v;
}

/** Bytes fields hold UTF-8 text for names and string attributes. */
const utf8 = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();
export function bytesToString(b: Uint8Array): string {
  // protobufjs gives an absent bytes field its default, an empty Array, not a Uint8Array.
  return b instanceof Uint8Array ? utf8.decode(b) : "";
}
export function stringToBytes(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/**
 * A number as an int64 for the encoder, saturating at the int64 range:
 * protobufjs wraps 2^63 to INT64_MIN, which would turn "to the end" into
 * "from the start".
 */
export function numberToInt64(n: number): LongLike {
  let b: bigint;
  if (n >= 2 ** 63) b = (1n << 63n) - 1n;
  else if (n <= -(2 ** 63)) b = -(1n << 63n);
  else b = BigInt(Math.trunc(n));
  return bigIntToInt64(b);
}

export function bigIntToInt64(b: bigint, unsigned = false): LongLike {
  return {
    low: Number(BigInt.asIntN(32, b)),
    high: Number(BigInt.asIntN(32, b >> 32n)),
    unsigned,
  };
}
