// Training checkpoints (`checkpoint: { every, dir }`): every N steps the loop
// writes everything a seeded run needs to carry on exactly where it stopped —
// all variables (BatchNorm state included), the optimizer's state, the
// position (epoch, batch within it, global step), the partial epoch sums, the
// epoch history and how many augmentation draws were taken — as one .npz
// (numpy can read it), written atomically so a kill leaves the previous
// checkpoint whole.
//
// The file is named after a fingerprint of the run (the starting graph with
// its weights, the options that change the result, the data's size), so a
// run started again with the same dir resumes its own checkpoint and never
// another run's; a different run in the same dir starts fresh beside it.
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CompactorError, FormatError } from "../core/errors.js";
import { writeFileAtomic } from "../core/atomic-write.js";
import { decodeNpz, encodeNpz } from "../formats/numpy/npz.js";
import type { Graph, Tensor } from "../graph/types.js";
import { tf } from "../runtime/tfjs/tf.js";
import type { TrainableModel } from "./compiled.js";
import type { Optimizer, OptimizerState } from "./optimizers.js";
import type { EpochRecord, ResolvedOptions } from "./options.js";

export interface CheckpointOptions {
  /** Write a checkpoint after every this many steps (and when interrupted, and at the end). */
  readonly every: number;
  /** Folder for the checkpoint files (created if missing). */
  readonly dir: string;
}

/** Where the loop is: the next batch to run is batch `batch` (from 0) of epoch `epoch` (from 1). */
export interface CheckpointPosition {
  readonly epoch: number;
  readonly batch: number;
  /** Global steps done. */
  readonly step: number;
  readonly samplesSeen: number;
  readonly trainSeconds: number;
  /** Sums over the epoch's batches done so far. */
  readonly lossSum: number;
  readonly correct: number;
  readonly count: number;
  /** Numbers drawn by the augmentation's generator so far. */
  readonly shiftDraws: number;
  readonly history: readonly (EpochRecord & { readonly tensors: number })[];
  /** Every epoch has run. */
  readonly complete: boolean;
}

export interface Checkpoint {
  readonly position: CheckpointPosition;
  /** Variables by name, in the compiled model's layout. */
  readonly variables: ReadonlyMap<string, Tensor<"float32">>;
  readonly optimizer: OptimizerState;
}

const FORMAT = "compactor-checkpoint";
const VERSION = 1;
const META = "meta";
const VARIABLE = "variable/";
const OPTIMIZER = "optimizer/";

/** Options left out of the fingerprint: they watch or place a run without changing its numbers. */
const NOT_IN_FINGERPRINT = new Set(["data", "validation", "onBatch", "onEpoch", "display", "checkpoint", "loss", "pruning"]);

/** A hash of the starting graph (structure and weights), the result-changing options and the data's size. */
export function runFingerprint(graph: Graph, options: ResolvedOptions): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ nodes: graph.nodes, inputs: graph.inputs, outputs: graph.outputs }));
  for (const [name, t] of [...graph.initializers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${name}:${t.dtype}:${t.dims.join("x")}`);
    const data = t.data as ArrayLike<unknown> & { buffer?: ArrayBufferLike; byteOffset?: number; byteLength?: number };
    if (data.buffer !== undefined) hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else hash.update(JSON.stringify(Array.from(data as ArrayLike<unknown>)));
  }
  const settings = Object.entries(options).filter(([key, value]) => !NOT_IN_FINGERPRINT.has(key) && value !== undefined);
  hash.update(JSON.stringify(settings.sort(([a], [b]) => (a < b ? -1 : 1))));
  // Pruning masks (a Map, which JSON leaves empty) by their bytes.
  for (const [name, mask] of [...(options.pruning?.masks ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`mask ${name}:`).update(mask);
  // A custom loss (distillation) is a function: its source is the best we can record, its closure (the teacher) is not.
  hash.update(JSON.stringify({ samples: options.data.length, validation: options.validation?.length ?? null, loss: options.loss?.toString() ?? null }));
  return hash.digest("hex");
}

/** The checkpoint file of a run: `<dir>/<label>-<first 16 hex digits of its fingerprint>.npz`. */
export function checkpointPath(options: CheckpointOptions, label: string, fingerprint: string): string {
  return join(options.dir, `${label}-${fingerprint.slice(0, 16)}.npz`);
}

export async function writeCheckpoint(path: string, fingerprint: string, checkpoint: Checkpoint): Promise<void> {
  const arrays = new Map<string, Tensor>();
  const meta = { format: FORMAT, version: VERSION, fingerprint, position: checkpoint.position, optimizerStep: checkpoint.optimizer.t };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  arrays.set(META, { dtype: "uint8", dims: [json.length], data: json });
  for (const [name, t] of checkpoint.variables) arrays.set(VARIABLE + name, t);
  for (const [key, data] of checkpoint.optimizer.buffers) arrays.set(OPTIMIZER + key, { dtype: "float32", dims: [data.length], data });
  await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CompactorError(`checkpoint: cannot create the folder for ${path}: ${e.code ?? e.message}; check checkpoint.dir and its permissions`, { file: path }, { cause: e });
  });
  await writeFileAtomic(path, encodeNpz(arrays));
}

/** The checkpoint at `path`, or undefined when there is none; a damaged or foreign file is a FormatError. */
export async function readCheckpoint(path: string, fingerprint: string): Promise<Checkpoint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new FormatError(`${path}: cannot read the checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path }, { cause: e });
  }
  const arrays = decodeNpz(bytes, { file: path });
  const broken = (what: string) =>
    new FormatError(`${path}: not a usable compactor checkpoint (${what}); delete it to start the run afresh`, { file: path });
  const metaArray = arrays.get(META);
  if (metaArray?.dtype !== "uint8") throw broken(`no "${META}" entry`);
  let meta: { format?: unknown; version?: unknown; fingerprint?: unknown; position?: CheckpointPosition; optimizerStep?: unknown };
  try {
    meta = JSON.parse(new TextDecoder().decode(metaArray.data as Uint8Array));
  } catch {
    throw broken(`its "${META}" entry is not JSON`);
  }
  if (meta.format !== FORMAT || meta.version !== VERSION) throw broken(`format ${JSON.stringify(meta.format)} version ${JSON.stringify(meta.version)}, expected ${FORMAT} ${VERSION}`);
  if (meta.fingerprint !== fingerprint) throw broken("it belongs to another run: its fingerprint differs from this run's");
  const p = meta.position;
  const counts = ["epoch", "batch", "step", "samplesSeen", "count", "shiftDraws"] as const;
  if (p === undefined || counts.some((k) => !Number.isInteger(p[k]) || p[k] < 0) || !Array.isArray(p.history) || !Number.isInteger(meta.optimizerStep)) {
    throw broken("its position is incomplete");
  }
  const variables = new Map<string, Tensor<"float32">>();
  const buffers = new Map<string, Float32Array>();
  for (const [key, t] of arrays) {
    if (key === META) continue;
    if (t.dtype !== "float32") throw broken(`entry "${key}" is ${t.dtype}, not float32`);
    if (key.startsWith(VARIABLE)) variables.set(key.slice(VARIABLE.length), t as Tensor<"float32">);
    else if (key.startsWith(OPTIMIZER)) buffers.set(key.slice(OPTIMIZER.length), t.data as Float32Array);
    else throw broken(`unexpected entry "${key}"`);
  }
  return { position: p, variables, optimizer: { t: meta.optimizerStep as number, buffers } };
}

/** The model's float variables and the optimizer's state, copied out for writeCheckpoint. */
export async function snapshot(model: TrainableModel, optimizer: Optimizer): Promise<Pick<Checkpoint, "variables" | "optimizer">> {
  const variables = new Map<string, Tensor<"float32">>();
  for (const [name, v] of model.variables) {
    // Integer initializers (shapes, indices) never change while training.
    if (v.dtype === "float32") variables.set(name, { dtype: "float32", dims: v.shape, data: (await v.data()) as Float32Array });
  }
  return { variables, optimizer: await optimizer.exportState() };
}

/** Puts a checkpoint's variables and optimizer state back; every float variable must be there with its shape. */
export function restore(path: string, model: TrainableModel, optimizer: Optimizer, trainable: ReadonlyMap<string, tf.Variable>, checkpoint: Checkpoint): void {
  const problems: string[] = [];
  for (const [name, v] of model.variables) {
    if (v.dtype !== "float32") continue;
    const saved = checkpoint.variables.get(name);
    if (saved === undefined) problems.push(`"${name}" is missing`);
    else if (saved.data.length !== v.size) problems.push(`"${name}" has ${saved.data.length} values, the model ${v.size}`);
  }
  if (problems.length > 0) throw new FormatError(`${path}: the checkpoint does not fit this model: ${problems.join("; ")}; delete it to start afresh`, { file: path });
  for (const [name, v] of model.variables) {
    const saved = checkpoint.variables.get(name);
    if (saved === undefined) continue;
    const value = tf.tensor(saved.data, v.shape, "float32");
    v.assign(value);
    value.dispose();
  }
  optimizer.importState(checkpoint.optimizer, trainable);
}
