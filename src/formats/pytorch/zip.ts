// The zip container torch.save writes (entries stored, 64-byte aligned), read
// with fflate. fflate trusts the archive: it clamps a stored entry that runs
// past the end of the file and allocates whatever size a header declares, and
// a forged entry count makes it loop over zeros. So every entry's declared
// sizes are checked before fflate allocates, the entry count is bounded by the
// bytes that could hold it, and each entry's real length must equal its
// declared one (a truncated file fails here, naming the entry).
import { unzipSync, type UnzipFileInfo } from "fflate";
import { FormatError } from "../../core/errors.js";

const STORED = 0;
const DEFLATED = 8;
/** Deflate cannot expand data more than ~1032× (its longest match per 258-byte code). */
const MAX_DEFLATE_RATIO = 1032;
/** A central directory record is at least 46 bytes. */
const CENTRAL_RECORD_BYTES = 46;
/** Uncompressed bytes we accept in one archive: beyond any checkpoint compactor handles. */
export const MAX_ARCHIVE_BYTES = 2 ** 34;

export function readZipEntries(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const declared = new Map<string, number>();
  let count = 0;
  let total = 0;
  const check = (info: UnzipFileInfo): boolean => {
    count++;
    if (count * CENTRAL_RECORD_BYTES > bytes.length) throw new FormatError(`${file}: the zip directory declares more entries than the file can hold; it is corrupt or truncated`, { file });
    const where = `${file}, entry "${info.name}"`;
    if (declared.has(info.name)) throw new FormatError(`${where}: appears twice in the zip directory`, { file });
    if (info.compression !== STORED && info.compression !== DEFLATED) {
      throw new FormatError(`${where}: zip compression method ${info.compression} is not supported (torch.save stores entries uncompressed)`, { file });
    }
    const plausible = info.compression === STORED ? info.size : info.size * MAX_DEFLATE_RATIO + 1024;
    if (info.originalSize > plausible || info.size > bytes.length) {
      throw new FormatError(`${where}: declares ${info.originalSize} bytes from ${info.size} stored in a ${bytes.length}-byte file, which is impossible; the archive is corrupt`, { file });
    }
    total += info.originalSize;
    if (total > MAX_ARCHIVE_BYTES) throw new FormatError(`${file}: declares more than ${MAX_ARCHIVE_BYTES} bytes of entries; refused`, { file });
    declared.set(info.name, info.originalSize);
    return true;
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: check });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${file}: not a readable zip archive (${(e as Error).message}); truncated, or not saved by torch.save`, { file }, { cause: e });
  }
  const short: string[] = [];
  for (const [name, size] of declared) {
    const got = entries[name]?.length ?? 0;
    if (got !== size) short.push(`"${name}" declares ${size} bytes but holds ${got}`);
  }
  if (short.length > 0) throw new FormatError(`${file}: truncated or corrupt zip: ${short.join("; ")}`, { file });
  return new Map(Object.entries(entries));
}
