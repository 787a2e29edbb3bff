// safetensors (huggingface/safetensors, docs "Format"): an 8-byte little-endian
// header length N, N bytes of UTF-8 JSON { name: { dtype, shape, data_offsets:
// [begin, end] }, "__metadata__"?: { string: string } } (padded with spaces),
// then the byte buffer the offsets index. The header is validated as the spec
// requires before any tensor is allocated: offsets in bounds, dtype × shape =
// bytes, no duplicate names, and the tensors tile the buffer exactly (no holes,
// no overlaps), so a file can be neither a polyglot nor a memory bomb.
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { FormatError } from "../../core/errors.js";
import { BYTES_PER_ELEMENT, numElements } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";
import { bytesOf, typedFromBytes } from "../tensor-bytes.js";
import { CODE_OF_DTYPE, SAFETENSORS_DTYPES, UNSUPPORTED_DTYPES, type SafetensorsDType } from "./dtypes.js";
import { topLevelKeys } from "./header-keys.js";

/** The reference implementation's limit on the JSON header (MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

export interface Safetensors {
  readonly tensors: Map<string, Tensor>;
  /** The optional "__metadata__" string map (e.g. { format: "pt" }). */
  readonly metadata: Readonly<Record<string, string>>;
}

interface Entry {
  readonly name: string;
  readonly code: SafetensorsDType;
  readonly dims: number[];
  readonly begin: number;
  readonly end: number;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** One header entry checked on its own; problems are pushed, not thrown, so all are listed. */
function checkEntry(name: string, raw: unknown, bufferBytes: number, problems: string[]): Entry | undefined {
  const where = `tensor "${name}"`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${where}: header entry is not an object`);
    return undefined;
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  let ok = true;
  if (typeof dtype !== "string" || !(dtype in SAFETENSORS_DTYPES)) {
    const known = [...Object.keys(SAFETENSORS_DTYPES)];
    problems.push(
      typeof dtype === "string" && UNSUPPORTED_DTYPES.includes(dtype)
        ? `${where}: dtype ${dtype} (8-bit float) is not supported; convert it to F16 or F32 first`
        : `${where}: dtype must be one of [${known.join(", ")}], got ${JSON.stringify(dtype)}`,
    );
    ok = false;
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    problems.push(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    ok = false;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    problems.push(`${where}: data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
    ok = false;
  }
  if (!ok) return undefined;
  const [begin, end] = offsets as [number, number];
  const code = dtype as SafetensorsDType;
  const dims = shape as number[];
  if (begin > end) problems.push(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  else if (end > bufferBytes) problems.push(`${where}: data_offsets [${begin}, ${end}] run past the ${bufferBytes}-byte data buffer (file truncated?)`);
  const need = numElements(dims) * BYTES_PER_ELEMENT[SAFETENSORS_DTYPES[code]];
  if (need !== end - begin) problems.push(`${where}: ${code} × [${dims.join(", ")}] is ${need} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  return begin <= end && end <= bufferBytes && need === end - begin ? { name, code, dims, begin, end } : undefined;
}

/** Sorted by offset, the entries must tile [0, bufferBytes) exactly. */
function checkTiling(entries: readonly Entry[], bufferBytes: number, problems: string[]): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < at) problems.push(`tensors "${previous!.name}" and "${e.name}" overlap (bytes ${e.begin}–${Math.min(at, e.end)})`);
    else if (e.begin > at) problems.push(`bytes ${at}–${e.begin} of the data buffer belong to no tensor (the spec allows no holes)`);
    if (e.end >= at) {
      at = e.end;
      previous = e;
    }
  }
  if (at < bufferBytes) problems.push(`the last ${bufferBytes - at} bytes of the data buffer belong to no tensor (the spec allows no holes)`);
}

function checkMetadata(raw: unknown, problems: string[]): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === "string")) {
    problems.push(`"${METADATA_KEY}" must map strings to strings, got ${JSON.stringify(raw).slice(0, 120)}`);
    return {};
  }
  return { ...(raw as Record<string, string>) };
}

export function decodeSafetensors(bytes: Uint8Array, options: { file?: string } = {}): Safetensors {
  const file = options.file ?? "safetensors bytes";
  const fail = (message: string): never => {
    throw new FormatError(`${file}: ${message}`, { file: options.file });
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (an 8-byte header length comes first)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) fail(`header length ${declared} is over the ${MAX_HEADER_BYTES}-byte limit; not a safetensors file, or corrupt`);
  const headerBytes = Number(declared);
  if (8 + headerBytes > bytes.length) fail(`header length ${headerBytes} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes));
  } catch {
    fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail(`header must be a JSON object starting with "{", got ${JSON.stringify(text.slice(0, 40))}`);
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("header is not a JSON object");
  const problems: string[] = [];
  const keys = topLevelKeys(text);
  const duplicates = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  if (duplicates.length > 0) problems.push(`duplicate names in the header: ${duplicates.map((d) => `"${d}"`).join(", ")}`);
  const bufferBytes = bytes.length - 8 - headerBytes;
  const metadata = checkMetadata(header[METADATA_KEY], problems);
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    const entry = checkEntry(name, raw, bufferBytes, problems);
    if (entry) entries.push(entry);
  }
  if (problems.length === 0) checkTiling(entries, bufferBytes, problems);
  if (problems.length > 0) fail(`invalid header (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  ${problems.join("\n  ")}`);
  const data = bytes.subarray(8 + headerBytes);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const dtype = SAFETENSORS_DTYPES[e.code];
    const values = typedFromBytes(dtype, data.subarray(e.begin, e.end), numElements(e.dims));
    tensors.set(e.name, Object.freeze({ dtype, dims: Object.freeze(e.dims), data: values }) as Tensor);
  }
  return { tensors, metadata };
}

export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const problems: string[] = [];
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY) problems.push(`a tensor cannot be named "${METADATA_KEY}"`);
    if (!CODE_OF_DTYPE.has(t.dtype)) problems.push(`tensor "${name}": dtype ${t.dtype} has no safetensors code (${[...CODE_OF_DTYPE.keys()].join(", ")} do)`);
  }
  if (problems.length > 0) throw new FormatError(`cannot write safetensors:\n  ${problems.join("\n  ")}`);
  // Larger elements first, then by name: every tensor starts aligned to its element size (as the reference writer does).
  const order = [...tensors].sort(([a, x], [b, y]) => BYTES_PER_ELEMENT[y.dtype] - BYTES_PER_ELEMENT[x.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const [name, t] of order) {
    const size = (t.data as ArrayBufferView).byteLength;
    header[name] = { dtype: CODE_OF_DTYPE.get(t.dtype), shape: [...t.dims], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const headerBytes = new Uint8Array(padded).fill(0x20);
  headerBytes.set(json);
  json = headerBytes;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let at = 8 + padded;
  for (const [, t] of order) {
    const b = bytesOf(t.data as Exclude<Tensor["data"], string[]>);
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export async function readSafetensors(path: string): Promise<Safetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  return decodeSafetensors(bytes, { file: path });
}

export async function writeSafetensors(path: string, tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
