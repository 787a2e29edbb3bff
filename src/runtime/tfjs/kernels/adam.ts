// Adam/AdamW on the wasm backend as one SIMD pass per variable.
//
// Written with tf ops the update is a dozen elementwise kernels per variable,
// each allocating a full-size intermediate: 47 ms CPU per step for the 2.4M
// parameters of an MLP 784-1200-1200-10 (measured), a third of a training
// step; a plain JS loop over wasm's heap was no faster (~30–60 ms). Here the
// moments m and v live in our own wasm memory (nothing else reads them), w and
// g are copied in, adam.c (in our wasm module, instantiated on that memory)
// updates all three in place four lanes at a time, and the new w goes back as
// a fresh tensor.
//
// The new weight must be a new tensor, never an in-place rewrite of the old
// one: wasm's matmul caches a packed copy of its weight operand keyed by the
// tensor's data id, so rewriting a weight's memory in place would leave the
// forward pass on stale weights.
import { tf } from "../tf.js";
import { createWasmMemory } from "../wasm-api.js";
import { MIN_MEMORY_PAGES } from "./module-binary.js";
import { instantiateKernels, STACK_BYTES } from "./module.js";

/** Scalars of one update; bias corrections are folded in by the caller. */
export interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly beta2: number;
  /** lr·√(1−β2ᵗ)/(1−β1ᵗ). */
  readonly stepSize: number;
  /** ε·√(1−β2ᵗ). */
  readonly epsHat: number;
  /** Added to g as L2 (Adam's weight_decay). */
  readonly l2: number;
  /** w is multiplied by this before the step (AdamW's decoupled decay); 1 for none. */
  readonly decay: number;
}

export interface FusedAdamState {
  /** The updated weight (a new tensor); m and v are updated inside the state. */
  update(name: string, w: tf.Tensor, g: tf.Tensor, attrs: AdamUpdateAttrs): tf.Tensor;
  /** Number of moment buffers held (2 per variable seen). */
  readonly size: number;
  /** Copies of every variable's moments (checkpoints). */
  moments(): Map<string, { m: Float32Array; v: Float32Array }>;
  /** Sets a variable's moments (resuming from a checkpoint); m and v have the variable's size. */
  setMoments(name: string, m: Float32Array, v: Float32Array): void;
  dispose(): void;
}

interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

const PAGE = 65536;
/** Elements rounded up to whole f32x4 lanes. */
const padded = (n: number) => Math.ceil(n / 4) * 4;

/**
 * A fused Adam state for the active backend, or undefined where there is none
 * (every backend but wasm; the caller then uses tf ops).
 */
export function createFusedAdamState(): FusedAdamState | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  const memory = createWasmMemory(MIN_MEMORY_PAGES);
  // The module's stack is the memory's first STACK_BYTES; the moments and scratch follow.
  const { adam } = instantiateKernels(memory, STACK_BYTES);
  const slots = new Map<string, { m: number; v: number; length: number }>();
  let top = STACK_BYTES; // bytes in use
  let scratch = { w: 0, g: 0, capacity: 0 };

  const reserve = (elements: number): number => {
    const offset = top;
    top += padded(elements) * 4;
    const needed = Math.ceil(top / PAGE) - memory.buffer.byteLength / PAGE;
    if (needed > 0) memory.grow(needed);
    return offset;
  };
  const zero = (offset: number, elements: number) => new Float32Array(memory.buffer, offset, padded(elements)).fill(0);
  const slotFor = (name: string, length: number) => {
    let slot = slots.get(name);
    if (slot === undefined) {
      slot = { m: reserve(length), v: reserve(length), length };
      zero(slot.m, length);
      zero(slot.v, length);
      slots.set(name, slot);
    } else if (slot.length !== length) {
      throw new Error(`variable "${name}" changed size from ${slot.length} to ${length} between Adam steps`);
    }
    return slot;
  };

  return {
    get size() {
      return slots.size * 2;
    },
    update(name, w, g, attrs) {
      const length = w.size;
      const slot = slotFor(name, length);
      if (scratch.capacity < length) scratch = { w: reserve(length), g: reserve(length), capacity: length };
      const backend = tf.backend() as unknown as WasmHeapBackend;
      // Views are taken after any grow: growing detaches earlier ones.
      new Float32Array(memory.buffer, scratch.w, length).set(backend.typedArrayFromHeap(w));
      new Float32Array(memory.buffer, scratch.g, length).set(backend.typedArrayFromHeap(g));
      const { beta1, beta2, stepSize, epsHat, l2, decay } = attrs;
      adam({ w: scratch.w, g: scratch.g, m: slot.m, v: slot.v, n: padded(length), beta1, c1: 1 - beta1, beta2, c2: 1 - beta2, step: stepSize, eps: epsHat, l2, decay });
      // tf.tensor copies into wasm's heap at once, so the scratch can be reused.
      return tf.tensor(new Float32Array(memory.buffer, scratch.w, length), w.shape, "float32");
    },
    moments() {
      const copy = (offset: number, length: number) => new Float32Array(memory.buffer, offset, length).slice();
      return new Map([...slots].map(([name, slot]) => [name, { m: copy(slot.m, slot.length), v: copy(slot.v, slot.length) }]));
    },
    setMoments(name, m, v) {
      const slot = slotFor(name, m.length);
      new Float32Array(memory.buffer, slot.m, m.length).set(m);
      new Float32Array(memory.buffer, slot.v, v.length).set(v);
    },
    dispose() {
      slots.clear();
      top = STACK_BYTES;
      scratch = { w: 0, g: 0, capacity: 0 };
    },
  };
}
