// NumPy's .npz: a zip of .npy files, stored (np.savez) or deflated
// (np.savez_compressed). Keys are entry names without ".npy", as np.load gives them.
import { readFile } from "node:fs/promises";
import { unzipSync, zipSync, type UnzipFileInfo, type Zippable } from "fflate";
import { FormatError } from "../../core/errors.js";
import type { Tensor } from "../../graph/types.js";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { decodeNpy, encodeNpy } from "./npy.js";

/** Zip compression methods, from PKWARE's APPNOTE 4.4.5. */
const STORED = 0;
const DEFLATED = 8;
/** Deflate cannot expand data more than ~1032× (its longest match per 258-byte code); more is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** A bigger archive than this is not a dataset or input compactor handles; refuse before inflating. */
const MAX_TOTAL_BYTES = 2 ** 32;

function label(file: string | undefined): string {
  return file ?? ".npz bytes";
}

/** An entry name as messages print it: control bytes escaped, at most 60 characters (a damaged header can make it anything). */
function entryName(name: string): string {
  const printable = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  return `entry ${printable}`;
}

/**
 * Checks each entry's declared size before fflate allocates it, so a forged
 * header cannot make us reserve gigabytes.
 */
function checkEntries(file: string | undefined): (info: UnzipFileInfo) => boolean {
  let total = 0;
  return (info) => {
    const where = `${label(file)}, ${entryName(info.name)}`;
    if (info.compression !== STORED && info.compression !== DEFLATED) {
      throw new FormatError(`${where}: zip compression method ${info.compression} is not supported (only stored and deflated, as numpy writes)`, { file });
    }
    const plausible = info.compression === STORED ? info.size : info.size * MAX_DEFLATE_RATIO + 1024;
    if (info.originalSize > plausible) {
      throw new FormatError(`${where}: declares ${info.originalSize} bytes uncompressed from ${info.size} compressed, which is impossible; the archive is corrupt`, { file });
    }
    total += info.originalSize;
    if (total > MAX_TOTAL_BYTES) throw new FormatError(`${label(file)}: declares more than ${MAX_TOTAL_BYTES} bytes of arrays; refused`, { file });
    return true;
  };
}

export function decodeNpz(bytes: Uint8Array, options: { file?: string } = {}): Map<string, Tensor> {
  const { file } = options;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: checkEntries(file) });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${label(file)}: not a readable .npz (zip) archive: ${(e as Error).message}`, { file }, { cause: e });
  }
  const arrays = new Map<string, Tensor>();
  const problems: string[] = [];
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith("/")) continue; // a directory entry holds no array
    if (!name.endsWith(".npy")) {
      problems.push(`${entryName(name)} is not a .npy array`);
      continue;
    }
    try {
      arrays.set(name.slice(0, -".npy".length), decodeNpy(data, { file: `${label(file)}, ${entryName(name)}` }));
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      problems.push(e.message.slice(label(file).length + 2));
    }
  }
  if (problems.length > 0) {
    throw new FormatError(`${label(file)}: ${problems.length} bad entr${problems.length > 1 ? "ies" : "y"}:\n  ${problems.join("\n  ")}`, { file });
  }
  return arrays;
}

export function encodeNpz(arrays: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>, options: { compress?: boolean } = {}): Uint8Array {
  const level = options.compress ? 6 : 0;
  const zippable: Zippable = {};
  const entries = arrays instanceof Map ? [...arrays] : Object.entries(arrays as Record<string, Tensor>);
  for (const [key, tensor] of entries) {
    if (key === "" || key.includes("\0")) throw new FormatError(`cannot save an array named ${JSON.stringify(key)} in .npz`);
    zippable[`${key}.npy`] = [encodeNpy(tensor), { level }];
  }
  return zipSync(zippable);
}

export async function readNpz(path: string): Promise<Map<string, Tensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`${path}: cannot read the .npz file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  return decodeNpz(bytes, { file: path });
}

export async function writeNpz(
  path: string,
  arrays: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  options: { compress?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(path, encodeNpz(arrays, options));
}
