// The one model representation: an ONNX-shaped graph. Plain, readonly data so
// every step (formats, compression, training) is a pure Graph → Graph function.
// Nothing in src/graph imports tfjs or onnxruntime.

/** Tensor element types, named as ONNX names them (lower-cased TensorProto.DataType). */
export const DTYPES = [
  "float32",
  "float64",
  "float16",
  "bfloat16",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "bool",
  "string",
  "int4",
  "uint4",
] as const;
export type DType = (typeof DTYPES)[number];

/**
 * Storage for each dtype. float16/bfloat16 keep their raw 16-bit patterns in a
 * Uint16Array; bool is a Uint8Array of 0/1; int64/uint64 are BigInt arrays so a
 * round trip never loses bits. int4/uint4 (ONNX 1.16, opset 21) hold one value
 * per byte in memory; only files pack them two to a byte (formats/onnx).
 */
export interface DTypeStorage {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
  int4: Int8Array;
  uint4: Uint8Array;
}
export type TensorData = DTypeStorage[DType];

/** A constant tensor: an initializer, a Constant's value, an attribute, an .npy array. */
export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: DTypeStorage[D];
}

/**
 * One dimension of a value's shape: a size, a symbolic name ("batch", "N") or
 * null when nothing is known.
 */
export type Dim = number | string | null;

/** Name, element type and (possibly partial) shape of a graph value. */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  /** undefined: rank unknown. */
  readonly shape?: readonly Dim[];
  readonly docString?: string;
}

/** Attribute values keep their ONNX type so a round trip writes the same thing back. */
export type Attribute =
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "tensor"; readonly value: Tensor }
  | { readonly type: "graph"; readonly value: Graph }
  | { readonly type: "floats"; readonly value: readonly number[] }
  | { readonly type: "ints"; readonly value: readonly number[] }
  | { readonly type: "strings"; readonly value: readonly string[] }
  | { readonly type: "tensors"; readonly value: readonly Tensor[] }
  | { readonly type: "graphs"; readonly value: readonly Graph[] };
export type AttributeType = Attribute["type"];

export interface Node {
  /** Unique within the graph (formats/onnx names unnamed nodes on read). */
  readonly name: string;
  readonly opType: string;
  /** "" is the default ONNX domain (ai.onnx). */
  readonly domain: string;
  /** Value names; "" marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, Attribute>>;
  readonly docString?: string;
}

export interface ModelMeta {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly metadataProps: Readonly<Record<string, string>>;
}

export interface Graph {
  readonly name: string;
  /** Nodes in topological order (formats/onnx sorts on read if needed). */
  readonly nodes: readonly Node[];
  /** Real inputs: values fed at run time. Initializers are not listed here. */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Weights and constants by value name. */
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Known shapes of intermediate values (from the file or shape inference). */
  readonly valueInfo: ReadonlyMap<string, ValueInfo>;
  /** Opset version per domain; "" is ai.onnx. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly meta: ModelMeta;
  readonly docString?: string;
}

export const DEFAULT_META: ModelMeta = Object.freeze({
  irVersion: 8,
  producerName: "compactor",
  producerVersion: "0.1.0",
  domain: "",
  modelVersion: 0,
  docString: "",
  metadataProps: Object.freeze({}),
});

/** The ai.onnx opset version a graph declares. */
export function onnxOpset(graph: Graph): number {
  return graph.opsets[""] ?? graph.opsets["ai.onnx"] ?? 0;
}
