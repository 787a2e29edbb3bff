// The format registry: every file format compactor reads or writes, one line
// each. Formats are found by content first (a file named .onnx that is really
// a zip is not ONNX), then by extension; `convert` is a read plus a write.
import { open, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { FormatError, mustBeOneOf } from "../core/errors.js";
import type { Graph } from "../graph/types.js";
import { SNIFF_BYTES, type FileFormat, type FileHead, type FormatKind } from "./format.js";
import { NPZ_FORMAT } from "./numpy/format.js";
import { ONNX_FORMAT } from "./onnx/format.js";
import { PYTORCH_FORMAT } from "./pytorch/format.js";
import { SAFETENSORS_FORMAT } from "./safetensors/format.js";
import { TFJS_GRAPH_FORMAT, TFJS_LAYERS_FORMAT } from "./tfjs/format.js";

export const FORMATS: readonly FileFormat[] = Object.freeze([
  ONNX_FORMAT,
  NPZ_FORMAT,
  SAFETENSORS_FORMAT,
  PYTORCH_FORMAT,
  TFJS_GRAPH_FORMAT,
  TFJS_LAYERS_FORMAT,
]);

export function formatNames(kind?: FormatKind): string[] {
  return FORMATS.filter((f) => kind === undefined || f.kind === kind).map((f) => f.name);
}

/** The format called `name` ("onnx", "npz", …), or "must be one of [...]". */
export function formatNamed(name: string, what = "format"): FileFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) throw mustBeOneOf(what, name, formatNames());
  return format;
}

/** The format whose extensions include `path`'s, if any. */
export function formatByExtension(path: string): FileFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === "" ? undefined : FORMATS.find((f) => f.extensions.includes(ext));
}

async function readHead(path: string): Promise<FileHead | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  if (info.isDirectory()) {
    // A folder is a model when it holds a model.json (TF.js); its content test reads that file.
    const inside = join(path, "model.json");
    const file = await readHead(inside);
    return { path, bytes: file && !file.isDirectory ? file.bytes : new Uint8Array(0), isDirectory: true };
  }
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(Math.min(SNIFF_BYTES, info.size));
    await handle.read(buffer, 0, buffer.length, 0);
    return { path, bytes: buffer, isDirectory: false };
  } finally {
    await handle.close();
  }
}

/**
 * The format of the file (or folder) at `path`: the one whose content test
 * passes, preferring the one its extension names when several do; the
 * extension's format when no content test passes (its reader then reports the
 * damage). undefined when `path` does not exist; a FormatError listing the
 * known formats when nothing fits.
 */
export async function detectFormat(path: string): Promise<FileFormat | undefined> {
  const head = await readHead(path);
  if (head === undefined) return undefined;
  const byExtension = formatByExtension(path);
  const byContent = FORMATS.filter((f) => f.sniff(head));
  if (byExtension && byContent.includes(byExtension)) return byExtension;
  if (byContent.length > 0) return byContent[0];
  // The extension's reader says precisely what is wrong with damaged content.
  if (byExtension) return byExtension;
  throw new FormatError(
    `${path}: not a format compactor knows (content and extension match none of ${FORMATS.map((f) => `${f.name} ${f.extensions.join("/")}`).join(", ")})`,
    { file: path },
  );
}

/** Reads a model file of any registered model format. */
export async function readModelFile(path: string, format?: FileFormat): Promise<Graph> {
  const f = format ?? (await detectFormat(path));
  if (!f) throw new FormatError(`${path}: no such file or folder`, { file: path });
  if (!f.readModel) {
    throw new FormatError(`${path} is ${f.description}: it holds weights, not a model graph; models are read from ${formatNames("model").join(", ")}`, {
      file: path,
    });
  }
  return f.readModel(path);
}
