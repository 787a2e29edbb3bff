// Our wasm module (module.c: every kernel's C file), compiled once and
// instantiated on a memory: tfjs's own wasm heap for the inference kernels
// (heapKernels()), the optimizer's own memory for Adam (adam.ts). For the
// heap instance, what its callers share: tfjs's allocator, tensor offsets in
// that memory, outputs allocated there, and prepared weights (Winograd
// transforms, packed panels) cached per weight tensor.
//
// Sharing tfjs's memory means our kernels read inputs and write outputs in
// place: a copy in and a copy out per conv measured as much as the 1×1 conv
// itself on large activations. The price is reaching into the wasm backend's
// internals (its Emscripten module and data map), typed below: package.json
// pins the tfjs packages to exactly 4.22.0 (no caret), and the kernel tests
// fail if those internals move.
import { tf } from "../tf.js";
import { compileWasm, instantiate, type WasmGlobal, type WasmMemory, type WasmModule } from "../wasm-api.js";
import { MODULE_WASM_BASE64 } from "./module-binary.js";
import { bindExports, type KernelExports } from "./module-exports.js";

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

/** Our module's shadow stack (C locals that do not fit in registers). */
export const STACK_BYTES = 64 * 1024;

let compiled: WasmModule | undefined;

/**
 * The module's functions on `memory`, its stack the STACK_BYTES below
 * `stackTop` (a block of that memory the caller owns).
 */
export function instantiateKernels(memory: WasmMemory, stackTop: number): KernelExports {
  compiled ??= compileWasm(Buffer.from(MODULE_WASM_BASE64, "base64"));
  const exports = instantiate(compiled, { env: { memory } });
  (exports.__stack_pointer as { value: number } & WasmGlobal).value = stackTop;
  return bindExports(exports);
}

/** Our kernels on tfjs's heap, with what their callers need of that heap. */
export interface HeapKernels extends KernelExports {
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

/** One instance per wasm backend instance (a re-registered backend has a new memory). */
const instances = new WeakMap<object, HeapKernels>();

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

export function heapKernels(): HeapKernels {
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const existing = instances.get(backend.wasm);
  if (existing) return existing;
  const stack = backend.wasm._malloc(STACK_BYTES);
  const kernels: HeapKernels = {
    ...instantiateKernels(backend.wasm.asm.memory, stack + STACK_BYTES),
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

/** Prepared weights by kind and the weight's data id (a new id whenever a variable is assigned). */
const prepared = new WeakMap<HeapKernels, Map<string, WeakMap<object, number>>>();
const releasePrepared = new FinalizationRegistry<{ kernels: HeapKernels; offset: number }>(({ kernels, offset }) => kernels.free(offset));

/**
 * The offset of `w` prepared by `prepare` (which reads the weight at `source`
 * and writes `bytes` bytes at `out`), made once per weight tensor and freed
 * when that tensor is garbage-collected.
 */
export function preparedWeight(k: HeapKernels, kind: string, w: tf.TensorInfo, bytes: number, prepare: (source: number, out: number) => void): number {
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
const liveScratch = new Map<number, HeapKernels>();

/** Runs `body` with heap blocks of the given float counts, freed afterwards (0 floats → offset 0, no block). */
export function withScratch<T>(k: HeapKernels, floats: readonly number[], body: (offsets: number[]) => T): T {
  const offsets: number[] = [];
  try {
    for (const n of floats) {
      const offset = n > 0 ? k.malloc(n * 4) : 0;
      offsets.push(offset);
      if (offset !== 0) liveScratch.set(offset, k);
    }
    return body(offsets);
  } finally {
    for (const offset of offsets) if (offset !== 0) (k.free(offset), liveScratch.delete(offset));
  }
}

/** Scratch blocks allocated and not yet freed (0 whenever none of our kernels is running). */
export function liveScratchBlocks(): number {
  return liveScratch.size;
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
 * tfjs's memory through heapKernels(). tfjs records no gradient for a kernel
 * it does not know: callers use these only when ownKernelsApply().
 */
export function ensureKernel(kernelName: string, kernelFunc: (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (tf.getKernel(kernelName, "wasm") === undefined) tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as tf.KernelFunc });
}

/** A new tensor of `shape` and `dtype` in tfjs's heap for a registered kernel's output. */
export function kernelOutput(shape: number[], dtype: "float32" | "int32"): tf.TensorInfo {
  return (tf.backend() as unknown as WasmBackendInternals).makeOutput(shape, dtype as "float32");
}
