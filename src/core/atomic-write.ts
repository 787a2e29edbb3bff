// Saves never leave a half-written file behind: write a temporary file in the
// same folder (so the rename stays on one file system), flush it to disk
// (fsync), rename it over the target, then flush the folder so the rename
// itself survives a crash. A process killed at any point leaves either the
// previous file or the new one, plus at worst a stray temporary file.
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CompactorError } from "./errors.js";

/** The temporary name a save of `path` writes first (hidden, unique per process and call). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

async function writeAndSync(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries; some file systems refuse to open folders for this, which is harmless. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on file systems without directory fsync: the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = temporaryPathFor(path);
  try {
    await writeAndSync(temp, bytes);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === "ENOENT" ? `; does the folder ${dirname(path)} exist?` : code === "EACCES" || code === "EPERM" ? "; check permissions" : "";
    throw new CompactorError(`cannot write ${path}: ${code ?? (e as Error).message}${hint}`, { file: path }, { cause: e });
  }
  await syncFolder(dirname(path));
}
