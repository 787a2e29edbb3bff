// The conv_kernels.c module, instantiated on tfjs's own wasm memory, and what
// its callers share: tfjs's allocator, tensor offsets in that memory, outputs
// allocated there, and prepared weights (Winograd transforms, packed panels)
// cached per weight tensor.
//
// Sharing tfjs's memory means our kernels read inputs and write outputs in
// place: a copy in and a copy out per conv measured as much as the 1×1 conv
// itself on large activations. The price is reaching into the wasm backend's
// internals (its Emscripten module and data map), typed below: tfjs pins
// them to 4.22.0 in package.json, and the kernel tests fail if they move.
import { tf } from "../tf.js";
import { instantiate, type WasmGlobal, type WasmMemory } from "../wasm_api.js";
import { CONV_KERNELS_WASM_BASE64 } from "./conv_kernels_wasm.js";

/** What we use of tfjs's wasm backend (tfjs-backend-wasm 4.22). */
interface WasmBackendInternals {
  readonly wasm: {
    readonly asm: { readonly memory: WasmMemory };
    readonly HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(offset: number): void;
  };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The exports of conv_kernels.c (byte offsets and sizes; see there). */
interface Exports {
  winogradFilter(g: number, u: number, c: number, k: number, kp: number): void;
  winogradConv(xp: number, u: number, bias: number, y: number, v: number, m: number, n: number, hp: number, wp: number, c: number, k: number, kp: number, oh: number, ow: number, tb: number, act: number): void;
  packPanels(w: number, u: number, c: number, k: number): void;
  pointwise(x: number, u: number, bias: number, y: number, pixels: number, c: number, k: number, act: number, scratch: number): void;
  dwconv3x3(x: number, w: number, bias: number, out: number, n: number, h: number, w_: number, c: number, oh: number, ow: number, sh: number, sw: number, padT: number, padL: number, lo: number, hi: number): void;
  transposeInner(x: number, out: number, n: number, a: number, b: number): void;
  lstmDirection(proj: number, panels: number, bias: number, h: number, c: number, tmp: number, y: number, seq: number, batch: number, rows4: number, hidden: number, batchFirst: number, reverse: number, yTStride: number, yBStride: number): void;
}

export interface ConvKernels extends Exports {
  /** tfjs's heap as floats; take it again after any allocation (growth replaces it). */
  heap(): Float32Array;
  malloc(bytes: number): number;
  free(offset: number): void;
  /** A tensor's byte offset in the heap. */
  offsetOf(t: tf.TensorInfo): number;
  /** A new float32 tensor in the heap, filled by `write(offset)`; freed if `write` throws. */
  output(shape: number[], write: (offset: number) => void): tf.Tensor;
}

/** A kernel's switch and counters, exported so tests see which path ran and benchmarks compare both. */
export interface KernelSwitch {
  enabled: boolean;
  /** Calls that ran our kernel. */
  runs: number;
  /** Milliseconds spent in them: tf.profile does not see our kernels. */
  ms: number;
}

export type ConvActivation = "linear" | "relu" | "relu6";
export const ACTIVATION_CODE: Readonly<Record<ConvActivation, number>> = { linear: 0, relu: 1, relu6: 2 };

/** Our module's shadow stack (C locals that do not fit in registers). */
const STACK_BYTES = 64 * 1024;

/** One instance per wasm backend instance (a re-registered backend has a new memory). */
const instances = new WeakMap<object, ConvKernels>();

/** Our kernels run where tensors live in wasm's heap, outside any gradient recording (training keeps tfjs's differentiable kernels). */
export function ownKernelsApply(): boolean {
  return tf.engine().state.gradientDepth === 0 && tf.getBackend() === "wasm";
}

export interface ConvDims {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly k: number;
}

/**
 * The dims of a conv our kernels can take — switched on, no gradient being
 * recorded, the wasm backend, float32 NHWC x, HWIO w of `size`×`size` over
 * x's channels, K a multiple of 4, an optional float32 bias of K — or undefined.
 */
export function convDims(on: KernelSwitch, x: tf.Tensor4D, w: tf.Tensor4D, bias: tf.Tensor | undefined, size: number): ConvDims | undefined {
  if (!on.enabled || !ownKernelsApply()) return undefined;
  const [n, h, width, c] = x.shape;
  const [kh, kw, wc, k] = w.shape;
  if (kh !== size || kw !== size || wc !== c || k % 4 !== 0) return undefined;
  if (x.dtype !== "float32" || w.dtype !== "float32" || (bias && (bias.dtype !== "float32" || bias.size !== k))) return undefined;
  return { n, h, w: width, c, k };
}

/** tfjs's allocator had no room for our scratch or prepared weights. */
export class KernelMemoryError extends RangeError {
  constructor(readonly bytes: number) {
    super(`out of wasm memory allocating ${bytes} bytes for one of our kernels`);
  }
}

/**
 * Runs our kernel's `body`, counting the run and its time on the switch. Where our
 * kernel's extra memory (scratch, a transformed filter) does not fit in the
 * wasm heap, returns undefined so the caller runs tfjs's kernel, which needs
 * less; everything allocated so far has been freed by then.
 */
export function runOwnKernel<T>(on: KernelSwitch, body: () => T): T | undefined {
  const started = performance.now();
  try {
    const result = body();
    on.runs++;
    return result;
  } catch (error) {
    if (error instanceof KernelMemoryError) return undefined;
    throw error;
  } finally {
    on.ms += performance.now() - started;
  }
}

export function convKernels(): ConvKernels {
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const existing = instances.get(backend.wasm);
  if (existing) return existing;
  const bytes = Buffer.from(CONV_KERNELS_WASM_BASE64, "base64");
  if (sectionIds(bytes).includes(DATA_SECTION)) throw new Error("conv_kernels.wasm has a data segment: instantiating it would overwrite tfjs's heap");
  const exports = instantiate(bytes, { env: { memory: backend.wasm.asm.memory } });
  const stack = backend.wasm._malloc(STACK_BYTES);
  (exports.__stack_pointer as { value: number } & WasmGlobal).value = stack + STACK_BYTES;
  const kernels: ConvKernels = {
    winogradFilter: exports.winograd_filter as Exports["winogradFilter"],
    winogradConv: exports.winograd_conv as Exports["winogradConv"],
    packPanels: exports.pack_panels as Exports["packPanels"],
    pointwise: exports.pointwise as Exports["pointwise"],
    dwconv3x3: exports.dwconv3x3 as Exports["dwconv3x3"],
    transposeInner: exports.transpose_inner as Exports["transposeInner"],
    lstmDirection: exports.lstm_direction as Exports["lstmDirection"],
    heap: () => backend.wasm.HEAPF32,
    malloc(size) {
      const offset = backend.wasm._malloc(size);
      if (offset === 0) throw new KernelMemoryError(size);
      return offset;
    },
    free: (offset) => backend.wasm._free(offset),
    offsetOf(t) {
      const data = backend.dataIdMap.get(t.dataId as object);
      if (!data) throw new Error("tensor is not on the wasm backend");
      return data.memoryOffset;
    },
    output(shape, write) {
      const info = backend.makeOutput(shape, "float32");
      try {
        write(backend.dataIdMap.get(info.dataId as object)!.memoryOffset);
      } catch (error) {
        backend.disposeData(info.dataId as object);
        throw error;
      }
      return tf.engine().makeTensorFromTensorInfo(info);
    },
  };
  instances.set(backend.wasm, kernels);
  return kernels;
}

const DATA_SECTION = 11;

/** The ids of a wasm binary's sections, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  for (let i = 8; i < bytes.length; ) {
    ids.push(bytes[i++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[i++]!;
      size += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    i += size;
  }
  return ids;
}

/** Prepared weights by kind and the weight's data id (a new id whenever a variable is assigned). */
const prepared = new WeakMap<ConvKernels, Map<string, WeakMap<object, number>>>();
const releasePrepared = new FinalizationRegistry<{ kernels: ConvKernels; offset: number }>(({ kernels, offset }) => kernels.free(offset));

/**
 * The offset of `w` prepared by `prepare` (which reads the weight at `source`
 * and writes `bytes` bytes at `out`), made once per weight tensor and freed
 * when that tensor is garbage-collected.
 */
export function preparedWeight(k: ConvKernels, kind: string, w: tf.Tensor, bytes: number, prepare: (source: number, out: number) => void): number {
  let kinds = prepared.get(k);
  if (!kinds) prepared.set(k, (kinds = new Map()));
  let byId = kinds.get(kind);
  if (!byId) kinds.set(kind, (byId = new WeakMap()));
  const dataId = w.dataId as object;
  const cached = byId.get(dataId);
  if (cached !== undefined) return cached;
  const out = k.malloc(bytes);
  try {
    prepare(k.offsetOf(w), out);
  } catch (error) {
    k.free(out);
    throw error;
  }
  byId.set(dataId, out);
  releasePrepared.register(dataId, { kernels: k, offset: out });
  return out;
}

/** Scratch blocks of calls in progress. A terminated cell skips `finally`; freeAbandonedScratch() then frees them. */
const liveScratch = new Map<number, ConvKernels>();

/** Runs `body` with heap blocks of the given float counts, freed afterwards (0 floats → offset 0, no block). */
export function withScratch<T>(k: ConvKernels, floats: readonly number[], body: (offsets: number[]) => T): T {
  const offsets: number[] = [];
  try {
    for (const n of floats) offsets.push(n > 0 ? k.malloc(n * 4) : 0);
    for (const offset of offsets) if (offset !== 0) liveScratch.set(offset, k);
    return body(offsets);
  } finally {
    for (const offset of offsets) if (offset !== 0) (k.free(offset), liveScratch.delete(offset));
  }
}

/** After a cell was stopped inside one of our kernels (no JavaScript of it still runs): frees its scratch; returns the count. */
export function freeAbandonedScratch(): number {
  for (const [offset, k] of liveScratch) k.free(offset);
  const count = liveScratch.size;
  liveScratch.clear();
  return count;
}

/**
 * Registers one of our kernels with tfjs under `kernelName` (once), so it
 * runs through tfjs's engine (tf.profile names it) while reading and writing
 * tfjs's memory through convKernels(). tfjs records no gradient for a kernel
 * it does not know: callers use these only when ownKernelsApply().
 */
export function ensureKernel(kernelName: string, kernelFunc: (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => tf.TensorInfo): void {
  if (tf.getKernel(kernelName, "wasm") === undefined) tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as tf.KernelFunc });
}

/** A new tensor of `shape` and `dtype` in tfjs's heap for a registered kernel's output. */
export function kernelOutput(shape: number[], dtype: "float32" | "int32"): tf.TensorInfo {
  return (tf.backend() as unknown as WasmBackendInternals).makeOutput(shape, dtype as "float32");
}
