// Saves never leave a half-written file behind: write a temporary file in the
// same folder (so the rename stays on one file system), then rename it over
// the target.
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CompactorError } from "./errors.js";

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === "ENOENT" ? `; does the folder ${dirname(path)} exist?` : code === "EACCES" || code === "EPERM" ? "; check permissions" : "";
    throw new CompactorError(`cannot write ${path}: ${code ?? (e as Error).message}${hint}`, { file: path }, { cause: e });
  }
}
