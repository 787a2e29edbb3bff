// Shared arithmetic of the quantized ops on the tfjs runtime. tfjs has no
// 8-bit or 4-bit tensors, so integers are held in float32 tensors (exact for
// every value these types take) and each op computes as ONNX defines it:
// quantize = saturate(round_half_even(x / scale) + zero_point), dequantize =
// (q − zero_point) · scale. The integer range comes from the zero point's ONNX
// type (OpContext.dtypeOf), since tfjs holds int8 and uint8 alike as int32.
//
// While training, rounding passes its gradient straight through (the
// straight-through estimator of Bengio et al. 2013, as in Jacob et al. 2018's
// quantization-aware training) and the saturation passes it only inside the
// range: QuantizeLinear→DequantizeLinear then differentiates as 1 inside the
// grid's range and 0 outside, which is what fake quantization trains with.
import { tf } from "../tf.js";
import type { DType } from "../../../graph/types.js";
import { normalizeAxis, shapeError, unsupportedFeature } from "./args.js";
import type { OpContext } from "./types.js";

export interface IntRange {
  readonly dtype: DType;
  readonly min: number;
  readonly max: number;
}

const RANGES: Readonly<Partial<Record<DType, readonly [number, number]>>> = Object.freeze({
  int8: [-128, 127],
  uint8: [0, 255],
  int4: [-8, 7],
  uint4: [0, 15],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
});

/** ONNX TensorProto codes QuantizeLinear's output_dtype attribute may name. */
const OUTPUT_DTYPE_CODES: Readonly<Record<number, DType>> = Object.freeze({ 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 21: "uint4", 22: "int4" });

export function rangeOf(dtype: DType, ctx: OpContext): IntRange {
  const r = RANGES[dtype];
  if (!r) throw unsupportedFeature(ctx, `quantizing to ${dtype}`);
  return { dtype, min: r[0], max: r[1] };
}

/**
 * The integer type a quantizing op produces: its zero point's type, or
 * output_dtype (opset 21), or uint8 when neither is given (ONNX's default).
 */
export function outputRange(ctx: OpContext, zeroPointIndex: number, hasZeroPoint: boolean, outputDtype = 0): IntRange {
  if (hasZeroPoint) {
    const dtype = ctx.dtypeOf?.(zeroPointIndex);
    if (!dtype) throw shapeError(ctx, `the type of the zero point "${ctx.node.inputs[zeroPointIndex]}" is not declared (make it an initializer or run shape inference first)`);
    if (outputDtype !== 0 && OUTPUT_DTYPE_CODES[outputDtype] !== dtype) throw shapeError(ctx, `output_dtype ${outputDtype} disagrees with the zero point's type ${dtype}`);
    return rangeOf(dtype, ctx);
  }
  if (outputDtype === 0) return rangeOf("uint8", ctx);
  const dtype = OUTPUT_DTYPE_CODES[outputDtype];
  if (!dtype) throw unsupportedFeature(ctx, `output_dtype ${outputDtype}`);
  return rangeOf(dtype, ctx);
}

/** Round half to even with an identity gradient (the straight-through estimator). */
const roundStraightThrough = tf.customGrad(((x: tf.Tensor) => ({ value: tf.round(x), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

function asFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === "float32" ? t : tf.cast(t, "float32");
}

/** Where a quantization parameter applies: the whole tensor, one axis, or blocks along one axis (opset 21). */
export interface ParamLayout {
  /** ONNX axis of the data (negative allowed); used when the parameter has more than one value. */
  readonly axis: number;
  readonly blockSize: number;
  /** The data is held channels-last (N, spatial…, C) while the parameter is in ONNX layout. */
  readonly channelsLast: boolean;
}

/** The position of ONNX axis `a` in a channels-last tensor of rank `rank`. */
function heldAxis(a: number, rank: number, channelsLast: boolean): number {
  if (!channelsLast || rank < 3) return a;
  return a === 0 ? 0 : a === 1 ? rank - 1 : a - 1;
}

/**
 * Brings a scale or zero point to a shape that broadcasts against `x`:
 * a scalar stays one, a 1-D parameter is laid along `axis`, a blocked one
 * (same rank as x) is repeated blockSize times along `axis`.
 */
export function broadcastParam(p: tf.Tensor, x: tf.Tensor, layout: ParamLayout, ctx: OpContext, what: string): tf.Tensor {
  const value = asFloat(p);
  if (layout.blockSize <= 0 && value.size === 1) return tf.reshape(value, []);
  const rank = x.rank;
  const axis = normalizeAxis(layout.axis, rank, ctx);
  const onnxDims = layout.channelsLast && rank >= 3 ? [x.shape[0]!, x.shape[rank - 1]!, ...x.shape.slice(1, rank - 1)] : x.shape;
  const length = onnxDims[axis]!;
  if (layout.blockSize > 0) {
    if (value.rank !== rank) throw shapeError(ctx, `a blocked ${what} must have the data's rank ${rank}, got [${value.shape.join(", ")}]`);
    const blocks = Math.ceil(length / layout.blockSize);
    if (value.shape[axis] !== blocks) throw shapeError(ctx, `${what} has ${value.shape[axis]} blocks along axis ${axis}, expected ceil(${length} / ${layout.blockSize}) = ${blocks}`);
    const index = tf.tensor1d(Array.from({ length }, (_, i) => Math.floor(i / layout.blockSize)), "int32");
    const expanded = tf.gather(value, index, axis);
    if (!layout.channelsLast || rank < 3) return expanded;
    return tf.transpose(expanded, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]);
  }
  if (value.rank !== 1 || value.size !== length) throw shapeError(ctx, `${what} has shape [${value.shape.join(", ")}] but axis ${axis} of the data has ${length} entries`);
  const shape = Array<number>(rank).fill(1);
  shape[heldAxis(axis, rank, layout.channelsLast)] = length;
  return tf.reshape(value, shape);
}

/** saturate(round(x / scale) + zeroPoint); with the straight-through gradient while training. */
export function quantize(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor | number, range: IntRange, training: boolean): tf.Tensor {
  const scaled = tf.div(asFloat(x), scale);
  const rounded = training ? roundStraightThrough(scaled) : tf.round(scaled);
  return tf.clipByValue(tf.add(rounded, zeroPoint), range.min, range.max);
}

/** (q − zeroPoint) · scale. */
export function dequantize(q: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor | number): tf.Tensor {
  return tf.mul(tf.sub(asFloat(q), zeroPoint), scale);
}

/** A scalar parameter (a QLinear op's per-tensor scale or zero point) as a float32 scalar. */
export function scalarParam(p: tf.Tensor, ctx: OpContext, what: string): tf.Tensor {
  if (p.size !== 1) throw shapeError(ctx, `${what} must be a single value here, got shape [${p.shape.join(", ")}]`);
  return tf.reshape(asFloat(p), []);
}

export { asFloat };
