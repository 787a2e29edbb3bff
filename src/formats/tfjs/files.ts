// TF.js models are folders: model.json plus the weight shards its manifest
// names. A model.json is untrusted input: shard paths may only name files
// inside its folder (no absolute paths, no "..", no URLs, no symlink leading
// out), every missing shard is named, and shard bytes are counted against what
// the manifest's specs need before anything is decoded.
import { mkdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, sep } from "node:path";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { FormatError, SecurityError } from "../../core/errors.js";
import type { WeightsGroup } from "./model-json.js";

/** model.json files bigger than this are not models (the topology of a large model is a few MB). */
const MAX_MODEL_JSON_BYTES = 256 * 2 ** 20;

export interface ModelFiles {
  /** The model.json path. */
  readonly file: string;
  /** Its folder: shard paths are relative to it. */
  readonly dir: string;
  readonly json: unknown;
}

/** A path naming a folder (its model.json) or a .json file. */
export async function locateModelJson(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FormatError(`${path}: no such file or folder`, { file: path });
  }
  if (!info.isDirectory()) return path;
  const inside = join(path, "model.json");
  try {
    await stat(inside);
  } catch {
    throw new FormatError(`${path} is a folder without a model.json; a TF.js model is a folder holding model.json and its weight shards`, { file: path });
  }
  return inside;
}

export async function readModelJson(path: string): Promise<ModelFiles> {
  const file = await locateModelJson(path);
  const size = (await stat(file)).size;
  if (size > MAX_MODEL_JSON_BYTES) throw new FormatError(`${file}: ${size} bytes is too big for a model.json (limit ${MAX_MODEL_JSON_BYTES})`, { file });
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new FormatError(`${file}: not valid JSON (${(e as Error).message})`, { file }, { cause: e });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new FormatError(`${file}: a model.json holds a JSON object`, { file });
  return { file, dir: dirname(file), json };
}

/** Refuses what a shard path must never be, before touching the file system. */
function checkShardPath(path: unknown, file: string): string {
  if (typeof path !== "string" || path === "" || path.includes("\0")) {
    throw new FormatError(`${file}: weight path ${JSON.stringify(path)} is not a file name`, { file });
  }
  const refuse = (why: string): never => {
    throw new SecurityError(`${file}: weight path "${path}" ${why}; only files inside the model's folder are read`, { file, details: { path } });
  };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) refuse("is a URL or drive path");
  if (isAbsolute(path) || path.startsWith("\\")) refuse("is absolute");
  if (path.split(/[\\/]/).includes("..")) refuse('contains ".."');
  return path;
}

async function resolveShard(dir: string, path: string, file: string): Promise<string> {
  const realDir = await realpath(dir);
  let real: string;
  try {
    real = await realpath(join(dir, path));
  } catch {
    throw new FormatError(`${file}: weight shard "${path}" is missing (looked in ${dir})`, { file, details: { missing: path } });
  }
  const rel = relative(realDir, real);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new SecurityError(`${file}: weight shard "${path}" resolves to ${real}, outside the model's folder ${realDir}; refused`, { file, details: { path } });
  }
  return real;
}

/** All shards of all groups, concatenated group by group as tfjs-core does; every missing shard is named at once. */
export async function readShards(groups: readonly WeightsGroup[], dir: string, file: string, maxBytes: number): Promise<Uint8Array[]> {
  const paths = groups.map((g) => (Array.isArray(g.paths) ? g.paths : []).map((p) => checkShardPath(p, file)));
  const missing: string[] = [];
  const resolved: string[][] = [];
  for (const group of paths) {
    const real: string[] = [];
    for (const p of group) {
      try {
        real.push(await resolveShard(dir, p, file));
      } catch (e) {
        if (e instanceof SecurityError || !(e instanceof FormatError)) throw e;
        missing.push(p);
      }
    }
    resolved.push(real);
  }
  if (missing.length > 0) {
    throw new FormatError(`${file}: ${missing.length} weight shard${missing.length > 1 ? "s are" : " is"} missing from ${dir}: ${missing.map((m) => `"${m}"`).join(", ")}`, { file, details: { missing } });
  }
  const out: Uint8Array[] = [];
  let total = 0;
  for (const group of resolved) {
    const parts: Uint8Array[] = [];
    for (const p of group) {
      const size = (await stat(p)).size;
      total += size;
      if (total > maxBytes) throw new FormatError(`${file}: the weight shards hold more than the ${maxBytes} bytes the manifest's weights need`, { file });
      parts.push(await readFile(p));
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    out.push(joined);
  }
  return out;
}

/** Where a model is written: `path` ending in .json names the model.json; otherwise it is the folder. */
export function outputLocation(path: string): { dir: string; modelJson: string } {
  return extname(path).toLowerCase() === ".json" ? { dir: dirname(path), modelJson: basename(path) } : { dir: path, modelJson: "model.json" };
}

/** Shards first, model.json last (each atomically): a model.json on disk always has its shards. */
export async function writeModelFolder(path: string, json: unknown, shards: readonly { name: string; bytes: Uint8Array }[]): Promise<string> {
  const { dir, modelJson } = outputLocation(path);
  await mkdir(dir, { recursive: true });
  for (const shard of shards) await writeFileAtomic(join(dir, shard.name), shard.bytes);
  const file = join(dir, modelJson);
  await writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(json)));
  return file;
}
