// PyTorch checkpoints written by torch.save (PyTorch ≥ 1.6 zip format):
// <name>/data.pkl (the pickled object), <name>/data/<key> (one entry per
// storage), <name>/byteorder and version. The pickle is interpreted by our own
// restricted VM; the tensors it names become compactor Tensors. A state_dict,
// or any dict/list nesting of them (a checkpoint with "model" and "optimizer"
// entries), is flattened to dotted names; other leaves (epoch numbers, strings)
// are listed in `skipped`. The legacy format (torch.save with
// _use_new_zipfile_serialization=False, or PyTorch < 1.6) is refused clearly.
import { readFile } from "node:fs/promises";
import { FormatError } from "../../core/errors.js";
import { BYTES_PER_ELEMENT } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";
import { typedArrayOn, typedFromBytes } from "../tensor-bytes.js";
import { isLegacyTorchFile } from "./legacy.js";
import { unpickle } from "./pickle-vm.js";
import { PyDict, PyGlobal, PyStorage, PyTensor, PyTuple, typeName, type PyValue } from "./pickle-values.js";
import { REFUSED_HINT, STORAGE_DTYPES, torchGlobals } from "./torch-globals.js";
import { readZipEntries } from "./zip.js";

export interface StateDict {
  readonly tensors: Map<string, Tensor>;
  /** Dotted paths of non-tensor values (epoch counters, hyper-parameters…), not weights. */
  readonly skipped: string[];
}

function keyText(key: PyValue): string {
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "bigint" || typeof key === "boolean") return String(key);
  if (key instanceof PyTuple) return key.items.map(keyText).join(",");
  return typeName(key);
}

function flatten(value: PyValue, path: string, out: StateDict): void {
  if (value instanceof PyTensor) {
    if (out.tensors.has(path)) throw new FormatError(`two tensors flatten to the name "${path}"`);
    out.tensors.set(path, value.tensor);
  } else if (value instanceof PyDict) {
    for (const [k, v] of value.entries) flatten(v, path === "" ? keyText(k) : `${path}.${keyText(k)}`, out);
  } else if (Array.isArray(value) || value instanceof PyTuple) {
    const items = Array.isArray(value) ? value : value.items;
    items.forEach((v, i) => flatten(v, path === "" ? String(i) : `${path}.${i}`, out));
  } else {
    out.skipped.push(path === "" ? "(the whole file)" : path);
  }
}

export function decodeTorch(bytes: Uint8Array, options: { file?: string } = {}): StateDict {
  const file = options.file ?? "PyTorch checkpoint";
  if (isLegacyTorchFile(bytes)) {
    throw new FormatError(
      `${file} is in PyTorch's legacy (pre-1.6) serialization format, which compactor does not read. ` +
        `Re-save it with a current PyTorch: torch.save(torch.load(path), path) (the zip format is the default since 1.6).`,
      { file: options.file },
    );
  }
  const entries = readZipEntries(bytes, file);
  const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new FormatError(`${file}: a torch.save archive has exactly one <name>/data.pkl entry; found ${pickles.length === 0 ? "none" : pickles.join(", ")}`, { file: options.file });
  }
  const prefix = pickles[0]!.slice(0, -"data.pkl".length);
  const order = entries.get(`${prefix}byteorder`);
  if (order !== undefined && new TextDecoder().decode(order).trim() !== "little") {
    throw new FormatError(`${file}: saved on a big-endian machine (byteorder "${new TextDecoder().decode(order).trim()}"); compactor reads little-endian checkpoints only`, { file: options.file });
  }
  const globals = torchGlobals(file);
  const storages = new Map<string, PyStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    // ("storage", torch.<Type>Storage, key, location, numel)
    if (!(pid instanceof PyTuple) || pid.items[0] !== "storage" || pid.items.length < 5) {
      throw new FormatError(`${file}: a persistent id must be ("storage", type, key, location, size), got ${typeName(pid)}`, { file: options.file });
    }
    const [, type, key, , numel] = pid.items;
    if (!(type instanceof PyGlobal) || !(type.name in STORAGE_DTYPES)) throw new FormatError(`${file}: storage type ${typeName(type ?? null)} is not a torch.*Storage compactor reads`, { file: options.file });
    if (typeof key !== "string" || typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) throw new FormatError(`${file}: malformed storage id (key ${typeName(key ?? null)}, size ${typeName(numel ?? null)})`, { file: options.file });
    const cached = storages.get(key);
    if (cached) return cached;
    const dtype = STORAGE_DTYPES[type.name]!;
    const entry = entries.get(`${prefix}data/${key}`);
    if (entry === undefined) throw new FormatError(`${file}: the pickle refers to storage "${key}", but the archive has no entry ${prefix}data/${key}`, { file: options.file });
    const need = numel * BYTES_PER_ELEMENT[dtype];
    if (entry.length < need) throw new FormatError(`${file}: storage "${key}" declares ${numel} ${dtype} elements (${need} bytes) but its entry holds ${entry.length} bytes`, { file: options.file });
    const aligned = entry.byteOffset % BYTES_PER_ELEMENT[dtype] === 0;
    const data = aligned ? typedArrayOn(dtype, entry.buffer as ArrayBuffer, entry.byteOffset, numel) : typedFromBytes(dtype, entry, numel);
    const storage = new PyStorage(key, data, dtype);
    storages.set(key, storage);
    return storage;
  };
  const root = unpickle(entries.get(pickles[0]!)!, `${file}, ${pickles[0]}`, {
    resolveGlobal: (module, name) => globals.get(`${module}.${name}`),
    persistentLoad,
    refusedHint: REFUSED_HINT,
  });
  const out: StateDict = { tensors: new Map(), skipped: [] };
  try {
    flatten(root, "", out);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`${file}: ${e.message}`, { file: options.file });
    throw e;
  }
  return out;
}

export async function readTorch(path: string): Promise<StateDict> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  return decodeTorch(bytes, { file: path });
}
