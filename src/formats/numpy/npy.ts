// NumPy's .npy format (numpy/lib/format.py): magic, version, a Python-dict
// header ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }) padded to
// 64 bytes, then the elements in C order. Read versions 1.0–3.0; write 1.0
// (2.0 only when the header needs it), as numpy does.
import { readFile } from "node:fs/promises";
import { FormatError } from "../../core/errors.js";
import { BYTES_PER_ELEMENT, numElements } from "../../graph/tensor.js";
import type { DType, Tensor, TensorData } from "../../graph/types.js";
import { writeFileAtomic } from "../../core/atomic-write.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** numpy type codes (kind + item size) for the dtypes .npy carries. */
const DTYPE_OF_CODE: Readonly<Record<string, Exclude<DType, "string" | "bfloat16" | "int4" | "uint4">>> = Object.freeze({
  f2: "float16",
  f4: "float32",
  f8: "float64",
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  b1: "bool",
});
const CODE_OF_DTYPE = new Map(Object.entries(DTYPE_OF_CODE).map(([code, dtype]) => [dtype as DType, code]));

/** Arrays we refuse to allocate: far beyond anything compactor handles, so a corrupt header. */
const MAX_ELEMENTS = 2 ** 32;

export interface NpyContext {
  /** File (and npz entry) for messages: `inputs.npz, entry "x.npy"`. */
  readonly file?: string;
}

function fail(message: string, ctx: NpyContext): never {
  throw new FormatError(`${ctx.file ?? ".npy bytes"}: ${message}`, { file: ctx.file });
}

interface Header {
  readonly dtype: Exclude<DType, "string" | "bfloat16" | "int4" | "uint4">;
  readonly bigEndian: boolean;
  readonly dims: number[];
}

/** Parses the header dict. Only the literal forms numpy writes are accepted. */
function parseHeader(text: string, ctx: NpyContext): Header {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) fail(`header is not a Python dict: ${JSON.stringify(text.slice(0, 80))}`, ctx);
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(trimmed);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(trimmed);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(trimmed);
  if (!descr) fail(`header has no 'descr' string (structured arrays are not supported): ${trimmed}`, ctx);
  if (!fortran) fail(`header has no 'fortran_order': ${trimmed}`, ctx);
  if (!shape) fail(`header has no 'shape' tuple: ${trimmed}`, ctx);
  if (fortran[1] === "True") {
    fail("array is stored in Fortran order; save it in C order (np.ascontiguousarray(a) before np.save)", ctx);
  }
  const m = /^([<>|=])?([a-z])(\d+)$/.exec(descr[2]);
  const dtype = m ? DTYPE_OF_CODE[`${m[2]}${m[3]}`] : undefined;
  if (!m || dtype === undefined) {
    fail(`dtype '${descr[2]}' is not supported; supported: ${Object.keys(DTYPE_OF_CODE).join(", ")} (little- or big-endian)`, ctx);
  }
  const items = shape[1].split(",").map((s) => s.trim());
  if (items.length > 1 && items[items.length - 1] === "") items.pop(); // "(3,)"
  const dims = items[0] === "" && items.length === 1 ? [] : items.map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  if (dims.some((d) => !Number.isSafeInteger(d))) fail(`shape (${shape[1]}) is not a tuple of sizes`, ctx);
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > MAX_ELEMENTS) fail(`shape (${dims.join(", ")}) declares more than ${MAX_ELEMENTS} elements; refused`, ctx);
  }
  return { dtype, bigEndian: m[1] === ">" && BYTES_PER_ELEMENT[dtype] > 1, dims };
}

function typedView(dtype: Header["dtype"], buffer: ArrayBuffer): TensorData {
  switch (dtype) {
    case "float16": case "uint16": return new Uint16Array(buffer);
    case "float32": return new Float32Array(buffer);
    case "float64": return new Float64Array(buffer);
    case "int8": return new Int8Array(buffer);
    case "int16": return new Int16Array(buffer);
    case "int32": return new Int32Array(buffer);
    case "int64": return new BigInt64Array(buffer);
    case "uint8": case "bool": return new Uint8Array(buffer);
    case "uint32": return new Uint32Array(buffer);
    case "uint64": return new BigUint64Array(buffer);
  }
}

export function decodeNpy(bytes: Uint8Array, options: NpyContext = {}): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(bytes.length < 10 ? `too short to be .npy (${bytes.length} bytes)` : `not a .npy array (no \\x93NUMPY magic)`, options);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) fail(`.npy version ${major}.${minor} is not supported (1.0, 2.0, 3.0 are)`, options);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail("truncated in the header length", options);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) fail(`header says it is ${headerLength} bytes but the file ends after ${bytes.length - 8 - lengthBytes}`, options);
  // Versions 1 and 2 write the header in latin1, version 3 in UTF-8.
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lengthBytes, dataStart));
  const { dtype, bigEndian, dims } = parseHeader(header, options);
  const size = BYTES_PER_ELEMENT[dtype];
  const need = numElements(dims) * size;
  const have = bytes.length - dataStart;
  if (have !== need) {
    fail(`shape (${dims.join(", ")}) of ${dtype} needs ${need} data bytes but there are ${have}${have < need ? " (truncated)" : ""}`, options);
  }
  // A fresh, aligned copy (Buffer.slice would be a view into the file's pool).
  const copy = new Uint8Array(need);
  copy.set(bytes.subarray(dataStart, dataStart + need));
  if (bigEndian) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  const data = dtype === "bool" ? copy.map((v) => (v !== 0 ? 1 : 0)) : typedView(dtype, copy.buffer);
  return Object.freeze({ dtype, dims: Object.freeze(dims), data }) as Tensor;
}

/** Encodes a tensor as .npy (little-endian, C order). */
export function encodeNpy(t: Tensor): Uint8Array {
  const code = CODE_OF_DTYPE.get(t.dtype);
  if (code === undefined) {
    throw new FormatError(`cannot save a ${t.dtype} tensor as .npy: numpy has no such dtype; supported: ${[...CODE_OF_DTYPE.keys()].join(", ")}`);
  }
  const data = t.data as Exclude<TensorData, string[]>;
  if (data.length !== numElements(t.dims)) {
    throw new FormatError(`cannot save tensor as .npy: dims [${t.dims.join(", ")}] need ${numElements(t.dims)} elements, data has ${data.length}`);
  }
  const descr = `${BYTES_PER_ELEMENT[t.dtype] === 1 ? "|" : "<"}${code}`;
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces and a final newline so the data starts at a multiple of 64 bytes.
  const version = dict.length + 1 + 10 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const headerLength = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const header = dict.padEnd(headerLength - 1, " ") + "\n";
  const out = new Uint8Array(prefix + headerLength + data.byteLength);
  out.set(MAGIC);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + headerLength);
  return out;
}

export async function readNpy(path: string): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`${path}: cannot read the .npy file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  return decodeNpy(bytes, { file: path });
}

export async function writeNpy(path: string, t: Tensor): Promise<void> {
  await writeFileAtomic(path, encodeNpy(t));
}
