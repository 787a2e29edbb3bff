// Cast and CastLike. tfjs has three numeric dtypes, so every ONNX integer type
// maps to int32, every float type to float32 and bool to bool. Float → int
// truncates toward zero as ONNX (C's static_cast) defines; → bool is "≠ 0".
import { tf } from "../tf.js";
import { required, shapeError, unsupportedFeature } from "./args.js";
import { Cast, CastLike } from "../../../graph/ops/cast.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** ONNX TensorProto.DataType codes → the tfjs dtype that carries them. */
const ONNX_TO_TF: Readonly<Record<number, tf.DataType>> = Object.freeze({
  1: "float32", // FLOAT
  2: "int32", // UINT8
  3: "int32", // INT8
  4: "int32", // UINT16
  5: "int32", // INT16
  6: "int32", // INT32
  7: "int32", // INT64
  9: "bool", // BOOL
  10: "float32", // FLOAT16
  11: "float32", // DOUBLE
  12: "int32", // UINT32
  13: "int32", // UINT64
  16: "float32", // BFLOAT16
});

function castTo(x: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  if (x.dtype === dtype) return tf.clone(x);
  // tf.cast float → int32 rounds in some backends; truncate first so all agree with ONNX.
  if (x.dtype === "float32" && dtype === "int32") return tf.tidy(() => tf.cast(tf.mul(tf.sign(x), tf.floor(tf.abs(x))), "int32"));
  return tf.cast(x, dtype);
}

function targetOf(to: number, ctx: OpContext): tf.DataType {
  const dtype = ONNX_TO_TF[to];
  if (dtype === undefined) {
    if (to === 8) throw unsupportedFeature(ctx, "casting to string");
    throw unsupportedFeature(ctx, `casting to ONNX data type ${to}`);
  }
  return dtype;
}

const cast = implement(Cast[6], {
  layout: "elementwise",
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    if (x.dtype === "string") throw unsupportedFeature(ctx, "casting from string");
    return [castTo(x, targetOf(attrs.to, ctx))];
  },
});

const castLike = implement(CastLike[15], {
  layout: "elementwise",
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const like = required(inputs, 1, ctx, "target_type");
    if (x.dtype === "string" || like.dtype === "string") throw shapeError(ctx, "string tensors cannot be cast on the tfjs runtime");
    return [castTo(x, like.dtype)];
  },
});

export const CAST_OPS: readonly OpEntry[] = [cast, castLike];
