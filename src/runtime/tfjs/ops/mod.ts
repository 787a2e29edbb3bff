// Mod (opset 10/13): the remainder with NumPy broadcasting. fmod=0 (integers
// only) takes the divisor's sign, like Python's %: that is tfjs's mod. fmod=1
// takes the dividend's sign, like C's fmod; it differs from the floored
// remainder exactly where that one is non-zero and the operands' signs differ,
// and there by one divisor. Swin Transformer exports window-padding arithmetic
// on shapes as Mod.
import { tf } from "../tf.js";
import { required, shapeError } from "./args.js";
import { Mod } from "../../../graph/ops/mod.js";
import { implement, type OpEntry } from "./types.js";

function truncatedRemainder(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const floored = tf.mod(a, b);
    const signsDiffer = tf.notEqual(tf.sign(a), tf.sign(b));
    const shift = tf.logicalAnd(tf.notEqual(floored, tf.zerosLike(floored)), signsDiffer);
    return tf.where(shift, tf.sub(floored, b), floored);
  });
}

const mod = implement(Mod[10], {
  layout: "elementwise",
  run(inputs, attrs, ctx) {
    const a = required(inputs, 0, ctx, "A");
    const b = required(inputs, 1, ctx, "B");
    if (attrs.fmod === 0 && a.dtype === "float32") {
      // The ONNX spec requires fmod=1 for floating-point inputs; onnxruntime refuses the model too.
      throw shapeError(ctx, "fmod=0 is defined for integer inputs only; floating-point Mod needs fmod=1 (set the attribute)");
    }
    return [attrs.fmod === 0 ? tf.mod(a, b) : truncatedRemainder(a, b)];
  },
});

export const MOD_OPS: readonly OpEntry[] = [mod];
