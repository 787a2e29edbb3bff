// Dense layers on our matrix kernel (matmul.c, gemm.c):
//   "CompactorDense"   y = act(x·w + b), x [N, C], w [C, K] (differentiable:
//                      ../gradients/compactor-dense.ts), used by ops/matmul.ts
//                      for Gemm while training on wasm;
//   "CompactorMatMul"  a·b of 2-D operands with either one read transposed in
//                      place (its gradients' products, dX = dZ·Wᵀ, dW = Xᵀ·dZ).
// tfjs wasm's BatchMatMul runs a transposed operand 10–20× slower than a
// plain one; ../gradients/wasm-mat-mul.ts sends its transposed calls here too.
import { nativeGemmApplies, runGemm } from "../../native-gemm.js";
import { tf } from "../tf.js";
import { ACTIVATION_CODE, type ConvActivation, ensureKernel, heapKernels, type HeapKernels, kernelOutput, type KernelSwitch, withScratch } from "./module.js";

export const DENSE = "CompactorDense";
export const MATMUL = "CompactorMatMul";

/** Switch and counters (runs counts CompactorDense calls). */
export const ownDense: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

export interface MatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/**
 * out (rows × cols) = op(a)·op(b) (+ bias, act) for offsets in tfjs's heap:
 * a is [rows, inner] or, transposed, [inner, rows]; b is [inner, cols] or [cols, inner].
 */
export function product(k: HeapKernels, a: number, b: number, out: number, rows: number, inner: number, cols: number, t: MatMulAttrs, bias = 0, activation: ConvActivation = "linear"): void {
  // Every caller of product() is training (the dense forward while a gradient
  // is recorded, and the gradients' products): those go to onnxruntime's GEMM.
  if (nativeGemmApplies(rows, inner, cols)) {
    runGemm({ memory: k.heap(), a: a / 4, b: b / 4, out: out / 4, rows, inner, cols, ...t, ...(bias !== 0 ? { bias: bias / 4 } : {}), activation });
    return;
  }
  withScratch(k, [Math.ceil(cols / 8) * 8 * inner], ([panels]) => {
    k.matmul({
      a, sar: t.transposeA ? 1 : inner, sai: t.transposeA ? rows : 1,
      b, sbi: t.transposeB ? 1 : cols, sbj: t.transposeB ? inner : 1,
      y: out, rows, inner, cols, bias, act: ACTIVATION_CODE[activation], accumulate: 0, panels: panels!,
    });
  });
}

function matMulKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const k = heapKernels();
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const t = attrs as unknown as MatMulAttrs;
  const [rows, inner] = t.transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const cols = t.transposeB ? b.shape[0]! : b.shape[1]!;
  const out = kernelOutput([rows, cols], "float32");
  product(k, k.offsetOf(a), k.offsetOf(b), k.offsetOf(out), rows, inner, cols, t);
  return out;
}

function denseKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const started = performance.now();
  const k = heapKernels();
  const { x, w, bias } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; bias?: tf.TensorInfo };
  const { activation } = attrs as unknown as { activation: ConvActivation };
  const [rows, inner] = x.shape as [number, number];
  const cols = w.shape[1]!;
  const out = kernelOutput([rows, cols], "float32");
  product(k, k.offsetOf(x), k.offsetOf(w), k.offsetOf(out), rows, inner, cols, { transposeA: false, transposeB: false }, bias ? k.offsetOf(bias) : 0, activation);
  ownDense.runs++;
  ownDense.ms += performance.now() - started;
  return out;
}

export function ensureMatMulKernels(): void {
  ensureKernel(MATMUL, matMulKernel);
  ensureKernel(DENSE, denseKernel);
}

/** a·b (either transposed) for 2-D float32 tensors on the wasm backend, through CompactorMatMul. */
export function compactorMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  ensureMatMulKernels();
  const attrs: MatMulAttrs = { transposeA, transposeB };
  return tf.engine().runKernel(MATMUL, { a, b } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * y = act(x·w + bias) for float32 x [N, C], w [C, K], bias [K] on the wasm
 * backend (differentiable); undefined where it does not apply.
 */
export function compactorDense(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | undefined, activation: ConvActivation): tf.Tensor2D | undefined {
  if (!ownDense.enabled || tf.getBackend() !== "wasm" || x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) return undefined;
  if (x.dtype !== "float32" || w.dtype !== "float32" || x.shape[0] === 0 || w.shape[1] === 0) return undefined;
  if (bias !== undefined && (bias.dtype !== "float32" || bias.rank !== 1 || bias.size !== w.shape[1])) return undefined;
  ensureMatMulKernels();
  const inputs = bias === undefined ? { x, w } : { x, w, bias };
  return tf.engine().runKernel(DENSE, inputs as unknown as tf.NamedTensorMap, { activation } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
