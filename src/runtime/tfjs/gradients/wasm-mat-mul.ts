// Fast transposed matrix products on the wasm backend.
//
// Rank-3 float32 products with matching (or single) batches run on our matrix
// kernel, which reads the transposed operand in place (kernels/matmul.ts).
// The rest make the operand explicit, as follows.
//
// Every matmul gradient multiplies by a transposed operand (dA = dY·Bᵀ,
// dB = Aᵀ·dY), and wasm's BatchMatMul with transposeA/transposeB runs at
// 1–1.5 GFLOP/s against ~16–22 GFLOP/s untransposed (XNNPACK only has a fast
// path for plain row-major operands). Registering a new *gradient* would not
// reach tfjs's fused matMul, whose gradient is a closure inside the op, nor a
// forward Gemm with transB=1; wrapping the *kernel* fixes all of them at once.
//
// The wrapper makes operands explicit before calling the original kernel,
// choosing the cheaper of two equivalent forms by elements moved:
//   A·Bᵀ  = transpose(B) then A·B'            (moves |B|)
//         = (B·Aᵀ)ᵀ: transpose(A), B·A', transpose the result (moves |A|+|C|)
// For dA = dY·Wᵀ with a 1200×1200 weight and a 128-row batch the second form
// moves 0.3M elements instead of 1.4M.
import { tf } from "../tf.js";
import { product } from "../kernels/matmul.js";
import { heapKernels, kernelOutput } from "../kernels/module.js";
import { callKernel, free, sizeOf, swapInnerAxes, type KernelBackend } from "./kernel-call.js";

const BACKEND = "wasm";

function transposeInner(backend: KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  return callKernel("Transpose", BACKEND, backend, { x }, { perm: swapInnerAxes(x.shape.length) });
}

function batchMatMulExplicit(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const kb = backend as KernelBackend;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const transposeA = Boolean(attrs?.transposeA);
    const transposeB = Boolean(attrs?.transposeB);
    const plain = { transposeA: false, transposeB: false };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const own = ownTransposedProduct(a, b, transposeA, transposeB);
    if (own) return own;

    if (transposeA && transposeB) {
      // Aᵀ·Bᵀ = (B·A)ᵀ: one product and one transpose of the result.
      const c = original({ inputs: { a: b, b: a }, backend, attrs: plain }) as tf.TensorInfo;
      const out = transposeInner(kb, c);
      free(kb, c);
      return out;
    }
    if (transposeA) {
      const at = transposeInner(kb, a);
      const out = original({ inputs: { a: at, b }, backend, attrs: plain });
      free(kb, at);
      return out;
    }
    // transposeB only: pick the form that moves fewer elements.
    const rows = a.shape[a.shape.length - 2]!;
    const cols = b.shape[b.shape.length - 2]!;
    const batch = sizeOf(a) / (rows * a.shape[a.shape.length - 1]!);
    const resultSize = batch * rows * cols;
    // The (B·Aᵀ)ᵀ form needs B unbatched-compatible with A's batch; keep it to equal ranks.
    if (a.shape.length === b.shape.length && sizeOf(a) + resultSize < sizeOf(b)) {
      const at = transposeInner(kb, a);
      const ct = original({ inputs: { a: b, b: at }, backend, attrs: plain }) as tf.TensorInfo;
      const out = transposeInner(kb, ct);
      free(kb, at, ct);
      return out;
    }
    const bt = transposeInner(kb, b);
    const out = original({ inputs: { a, b: bt }, backend, attrs: plain });
    free(kb, bt);
    return out;
  };
}

/**
 * The product of float32 rank-3 operands (as tfjs's matMul op passes them)
 * with the same batch or a batch of one, on our matrix kernel reading the
 * transposed operand in place (kernels/matmul.ts); undefined for anything else.
 */
function ownTransposedProduct(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo | undefined {
  if (a.shape.length !== 3 || b.shape.length !== 3 || a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const [batchA, a1, a2] = a.shape as [number, number, number];
  const [batchB, b1, b2] = b.shape as [number, number, number];
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const [rows, inner] = transposeA ? [a2, a1] : [a1, a2];
  const cols = transposeB ? b1 : b2;
  const batch = Math.max(batchA, batchB);
  const k = heapKernels();
  const out = kernelOutput([batch, rows, cols], "float32");
  const [at, bt, ot] = [k.offsetOf(a), k.offsetOf(b), k.offsetOf(out)];
  for (let i = 0; i < batch; i++) {
    const aOffset = at + (batchA === 1 ? 0 : i * a1 * a2 * 4);
    const bOffset = bt + (batchB === 1 ? 0 : i * b1 * b2 * 4);
    product(k, aOffset, bOffset, ot + i * rows * cols * 4, rows, inner, cols, { transposeA, transposeB });
  }
  return out;
}

// _FusedMatMul adds bias and activation after the product, so the result-
// transposing form does not apply; operands are transposed explicitly.
function fusedMatMulExplicit(original: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const kb = backend as KernelBackend;
    const transposeA = Boolean(attrs?.transposeA);
    const transposeB = Boolean(attrs?.transposeB);
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const at = transposeA ? transposeInner(kb, a) : a;
    const bt = transposeB ? transposeInner(kb, b) : b;
    const out = original({
      inputs: { ...inputs, a: at, b: bt },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    if (transposeA) free(kb, at);
    if (transposeB) free(kb, bt);
    return out;
  };
}

const wrapped = new WeakSet<tf.KernelFunc>();
const originals = new Map<string, tf.KernelConfig>();

function wrapKernel(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, BACKEND);
  if (original === undefined || wrapped.has(original.kernelFunc)) return;
  const kernelFunc = wrap(original.kernelFunc);
  wrapped.add(kernelFunc);
  originals.set(kernelName, original);
  tf.unregisterKernel(kernelName, BACKEND);
  // setupFunc stays the original's: it binds the wasm export the original calls.
  tf.registerKernel({ ...original, kernelFunc });
}

/** Wraps wasm's BatchMatMul and _FusedMatMul; idempotent. Call after the wasm package is imported. */
export function registerWasmMatMul(): void {
  wrapKernel("BatchMatMul", batchMatMulExplicit);
  wrapKernel("_FusedMatMul", fusedMatMulExplicit);
}

/** Puts wasm's own kernels back: the "before" case of bench/train-throughput.ts. */
export function restoreWasmMatMul(): void {
  for (const [kernelName, original] of originals) {
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel(original);
  }
  originals.clear();
}
