// Reads tensor data an ONNX model keeps in a separate file (data_location =
// EXTERNAL). A model file is untrusted input: it may only name files inside its
// own folder, and every byte range is checked against the file before reading.
import { closeSync, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { FormatError } from "../../core/errors.js";
import type { StringStringEntryProto } from "./proto.js";

export interface ExternalDataContext {
  /** The model file, for messages. */
  readonly file?: string;
  /** Folder external data paths are relative to; absent when decoding bare bytes. */
  readonly externalDataDir?: string;
  /** What the tensor is, for messages: `initializer "conv.weight"`. */
  readonly where: string;
}

const KNOWN_KEYS = ["location", "offset", "length", "checksum", "basepath"] as const;

function fail(message: string, ctx: ExternalDataContext): never {
  throw new FormatError(`${ctx.file ?? "ONNX bytes"}: ${ctx.where}: ${message}`, { file: ctx.file });
}

function parseNonNegativeInt(text: string, key: string, ctx: ExternalDataContext): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    fail(`external data "${key}" must be a non-negative integer, got "${text}"`, ctx);
  }
  return Number(text);
}

/** Refuses absolute paths and any ".." segment, before touching the file system. */
function checkLocationText(location: string, ctx: ExternalDataContext): void {
  const segments = location.split(/[\\/]/);
  if (isAbsolute(location) || /^[A-Za-z]:/.test(location) || location.startsWith("\\")) {
    fail(`external data location "${location}" is an absolute path; only files inside the model's folder are read`, ctx);
  }
  if (segments.includes("..")) {
    fail(`external data location "${location}" contains ".."; only files inside the model's folder are read`, ctx);
  }
  if (location === "" || location.includes("\0")) fail(`external data location "${location}" is not a file name`, ctx);
}

/** Resolves symlinks on both sides and checks the file is still inside the folder. */
function resolveInside(dir: string, location: string, ctx: ExternalDataContext): string {
  let realDir: string;
  let realFile: string;
  try {
    realDir = realpathSync(dir);
  } catch {
    fail(`external data folder "${dir}" does not exist`, ctx);
  }
  try {
    realFile = realpathSync(join(dir, location));
  } catch {
    fail(`external data file "${location}" not found next to the model (looked in ${dir})`, ctx);
  }
  const rel = relative(realDir, realFile);
  if (rel === "") fail(`external data location "${location}" is the model's folder, not a file`, ctx);
  if (rel.startsWith(".." + sep) || rel === ".." || isAbsolute(rel)) {
    fail(`external data file "${location}" resolves to ${realFile}, outside the model's folder ${realDir}; refused`, ctx);
  }
  return realFile;
}

/**
 * Reads exactly `expectedBytes` bytes for one tensor. `expectedBytes` comes from
 * the tensor's dims, already capped by the caller, so nothing is allocated
 * before the file is known to hold that many bytes.
 */
export function readExternalData(
  entries: readonly StringStringEntryProto[],
  expectedBytes: number,
  ctx: ExternalDataContext,
): Uint8Array {
  const fields = new Map<string, string>();
  for (const e of entries) {
    const key = e.key ?? "";
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      fail(`unknown external data key "${key}"; must be one of [${KNOWN_KEYS.join(", ")}]`, ctx);
    }
    fields.set(key, e.value ?? "");
  }
  const location = fields.get("location");
  if (location === undefined) fail(`external data has no "location"`, ctx);
  checkLocationText(location, ctx);
  if (ctx.externalDataDir === undefined) {
    fail(
      `data is in external file "${location}" but no folder was given to resolve it; ` +
        `use readOnnx(path) or pass { externalDataDir } to decodeModel`,
      ctx,
    );
  }
  const offset = fields.has("offset") ? parseNonNegativeInt(fields.get("offset")!, "offset", ctx) : 0;
  const length = fields.has("length") ? parseNonNegativeInt(fields.get("length")!, "length", ctx) : expectedBytes;
  if (length !== expectedBytes) {
    fail(`external data length ${length} does not match the ${expectedBytes} bytes its dims and data type need`, ctx);
  }
  const path = resolveInside(ctx.externalDataDir, location, ctx);
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail(`external data location "${location}" is not a regular file`, ctx);
    const size = stat.size;
    if (offset + length > size) {
      fail(`external data range [${offset}, ${offset + length}) runs past the end of "${location}" (${size} bytes)`, ctx);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) fail(`external data file "${location}" ended early while reading`, ctx);
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
