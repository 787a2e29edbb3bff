// Fast transposed matrix products on the wasm backend.
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
