// A fast forward kernel, or a reference formulation while gradients are being
// recorded. Some tfjs kernels are fast but have a wrong gradient (MirrorPad's
// keeps only the centre of dy, dropping the reflected parts) or none on wasm
// (ResizeBilinearGrad); the gather-based formulations in pad.ts and resize.ts
// differentiate correctly. (A tf.customGrad with the reference's gradient
// would serve both, but tfjs cannot nest tf.grad inside a gradient function:
// the inner call clears the outer tape.) Both give the same values.
import { tf } from "../tf.js";

export function withReferenceGradient(x: tf.Tensor, fast: (x: tf.Tensor) => tf.Tensor, reference: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  // gradientDepth > 0 inside tf.grad / tf.variableGrads: the tape records this op.
  return tf.engine().state.gradientDepth > 0 ? reference(x) : fast(x);
}
