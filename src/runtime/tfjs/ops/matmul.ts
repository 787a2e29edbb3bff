// Gemm and MatMul. tfjs wasm's matMul with a transpose flag runs 10–20× slower
// than without (measured), so Gemm's transB=1 weight is transposed once at
// compile time (inputLayouts) and no transposed matmul runs per call.
import { tf } from "../tf.js";
import { compactorDense } from "../kernels/matmul.js";
import { shapeError } from "./args.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import { Gemm, MatMul } from "../../../graph/ops/matmul.js";
import { implement, type InputLayout, type OpEntry } from "./types.js";

const transposedIfTransB: InputLayout<AttrValues<(typeof Gemm)[7]["attributes"]>> = {
  toBackend: (w, a) => (a.transB ? tf.transpose(w) : w),
  toOnnx: (w, a) => (a.transB ? tf.transpose(w) : w),
};

export const gemm = implement(Gemm[7], {
  inputLayouts: { 1: transposedIfTransB },
  run([a, b, c], attrs, ctx) {
    const left = attrs.transA ? tf.transpose(a!) : a!;
    const alpha = attrs.alpha;
    const beta = attrs.beta;
    // Set by the compiler when a following Relu / Clip(0, 6) is fused (see ../fusion.ts).
    const activation = ctx.fusedActivation ?? "linear";
    // b arrives as (K, N) whatever transB said (see inputLayouts).
    // tfjs's fused bias must be a full (N,) row; scalars and (1,) Cs broadcast through add.
    const rowBias = c !== undefined && alpha === 1 && beta === 1 && c.rank === 1 && c.shape[0] === b!.shape[1];
    // Training on wasm: our dense kernel (../kernels/matmul.ts), whose
    // gradient reads no operand transposed through tfjs's slow path and skips
    // the input gradient of a first layer.
    if (ctx.training && alpha === 1 && (c === undefined || rowBias)) {
      const own = compactorDense(left, b!, c, activation);
      if (own) return [own];
    }
    // Not while training: fused matMul's gradient (a customGrad) computes dA and
    // dB eagerly, so the first layer would pay a full product for the gradient of
    // the input data, which nothing uses (~15% of an MLP step, measured); the
    // plain matMul + add gradients run only for inputs that lead to variables.
    if (!ctx.training && rowBias) {
      return [tf.fused.matMul({ a: left as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation })];
    }
    let y = tf.matMul(left as tf.Tensor2D, b as tf.Tensor2D);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (c !== undefined && beta !== 0) y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
    return [activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.relu6(y) : y];
  },
});

/** NumPy matmul: 1-D operands are promoted and the added dim dropped; batch dims broadcast. */
export function matmulNd(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const a2 = a.rank === 1 ? tf.reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.rank === 1 ? tf.reshape(b, [b.shape[0]!, 1]) : b;
  let y: tf.Tensor;
  if (b2.rank === 2 && a2.rank > 2) {
    // One large GEMM over all rows beats a batched matmul with a broadcast weight.
    const k = a2.shape[a2.rank - 1]!;
    const rows = tf.reshape(a2, [-1, k]);
    y = tf.reshape(tf.matMul(rows, b2 as tf.Tensor2D), [...a2.shape.slice(0, -1), b2.shape[1]!]);
  } else {
    y = tf.matMul(a2, b2);
  }
  if (a.rank === 1) y = tf.squeeze(y, [y.rank - 2]);
  if (b.rank === 1) y = tf.squeeze(y, [y.rank - 1]);
  return y;
}

export const matmul = implement(MatMul[1], {
  run([a, b], _attrs, ctx) {
    const k1 = a!.shape[a!.rank - 1];
    const k2 = b!.rank === 1 ? b!.shape[0] : b!.shape[b!.rank - 2];
    if (k1 !== k2) throw shapeError(ctx, `inner dimensions differ: A is [${a!.shape.join(", ")}], B is [${b!.shape.join(", ")}]`);
    return [matmulNd(a!, b!)];
  },
});

export const MATMUL_OPS: readonly OpEntry[] = [gemm, matmul];
