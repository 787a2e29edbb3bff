// Generators of index-shaped tensors: OneHot and EyeLike.
import { tf } from "../tf.js";
import { floatsOf, normalizeAxis, required, shapeError, unsupportedFeature } from "./args.js";
import { EyeLike, OneHot } from "../../../graph/ops/one-hot.js";
import { implement, type OpEntry } from "./types.js";

const oneHot = implement(OneHot[9], {
  run(inputs, attrs, ctx) {
    const indices = required(inputs, 0, ctx, "indices");
    const depth = floatsOf(inputs, 1, ctx)?.[0];
    const values = required(inputs, 2, ctx, "values");
    const [off, on] = floatsOf(inputs, 2, ctx) ?? [];
    if (depth === undefined || off === undefined || on === undefined) throw shapeError(ctx, "needs depth and [off, on] values");
    const d = Math.trunc(depth);
    const axis = normalizeAxis(attrs.axis, indices.rank + 1, ctx);
    return [
      tf.tidy(() => {
        // Negative indices count back from depth (opset 11); anything else out of range stays all-off.
        // Non-integer indices truncate toward zero, as a cast to int64 would.
        const idx = indices.dtype === "int32" ? indices : tf.cast(tf.mul(tf.sign(indices), tf.floor(tf.abs(indices))), "int32");
        const wrapped = tf.where(tf.less(idx, 0), tf.add(idx, tf.scalar(d, "int32")), idx);
        // A 0/1 int32 one-hot (wasm's oneHot writes other dtypes' values as raw int bits), then off + hot·(on − off).
        const hot = tf.oneHot(wrapped, d, 1, 0, "int32");
        const numeric = values.dtype === "bool" ? "int32" : values.dtype;
        const spread = tf.add(tf.mul(tf.cast(hot, numeric), tf.scalar(on - off, numeric)), tf.scalar(off, numeric));
        const typed = values.dtype === "bool" ? tf.cast(spread, "bool") : spread;
        if (axis === indices.rank) return typed;
        const perm = Array.from({ length: indices.rank }, (_, i) => i);
        perm.splice(axis, 0, indices.rank);
        return tf.transpose(typed, perm);
      }),
    ];
  },
});

/** ONNX TensorProto codes EyeLike may ask for, as tfjs dtypes. */
const EYE_DTYPES: Readonly<Record<number, tf.DataType>> = Object.freeze({ 1: "float32", 6: "int32", 7: "int32", 9: "bool", 11: "float32", 10: "float32", 2: "int32", 3: "int32", 4: "int32", 5: "int32", 12: "int32", 13: "int32" });

const eyeLike = implement(EyeLike[9], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    if (x.rank !== 2) throw shapeError(ctx, `needs a 2-D input, got [${x.shape.join(", ")}]`);
    const code = attrs.dtype;
    const dtype = code === undefined ? x.dtype : EYE_DTYPES[code];
    if (dtype === undefined) throw unsupportedFeature(ctx, `dtype ${code}`);
    const [rows, cols] = x.shape as [number, number];
    const k = attrs.k;
    const values = new Int32Array(rows * cols);
    for (let i = 0; i < rows; i++) if (i + k >= 0 && i + k < cols) values[i * cols + i + k] = 1;
    return [tf.tidy(() => tf.cast(tf.tensor2d(values, [rows, cols], "int32"), dtype))];
  },
});

export const ONE_HOT_OPS: readonly OpEntry[] = [oneHot, eyeLike];
