// Moving values between the Graph's typed arrays and tf tensors. tfjs has only
// float32, int32 and bool: floats of every width become float32, integers
// int32 (int64 clamped, so INT64_MAX "to the end" sentinels stay huge), and
// exportGraph converts back to each initializer's original dtype.
import { tf } from "./tf.js";
import { ShapeError } from "../../core/errors.js";
import type { DType, Tensor } from "../../graph/types.js";
import { makeTensor } from "../../graph/tensor.js";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function clampInt32(v: number): number {
  return Math.max(INT32_MIN, Math.min(INT32_MAX, v));
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function floatToHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const frac = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (frac ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (frac | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return sign | ((exp << 10) + ((frac + 0x1000) >> 13));
}

/** The tfjs dtype a graph dtype is held in. */
export function tfDtypeOf(dtype: DType): "float32" | "int32" | "bool" {
  if (dtype === "bool") return "bool";
  if (dtype === "float32" || dtype === "float64" || dtype === "float16" || dtype === "bfloat16") return "float32";
  return "int32";
}

/** Values of a graph tensor as the typed array tfjs would hold (Float32Array, Int32Array or Uint8Array for bool). */
export function tfValuesOf(t: Tensor, where: string): Float32Array | Int32Array | Uint8Array {
  switch (t.dtype) {
    case "string":
      throw new ShapeError(`${where}: string tensors cannot run on the tfjs runtime`, { details: { dtype: t.dtype } });
    case "bool":
      return t.data as Uint8Array;
    case "float32":
      return t.data as Float32Array;
    case "float16":
      return Float32Array.from(t.data as Uint16Array, halfToFloat);
    case "bfloat16":
      return Float32Array.from(t.data as Uint16Array, (b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0]!);
    case "float64":
      return Float32Array.from(t.data as Float64Array);
    case "int64":
    case "uint64":
      return Int32Array.from(t.data as ArrayLike<bigint>, (v) => clampInt32(Number(v)));
    default:
      return Int32Array.from(t.data as ArrayLike<number>, clampInt32);
  }
}

export function toTf(t: Tensor, where: string): tf.Tensor {
  return tf.tensor(tfValuesOf(t, where), [...t.dims], tfDtypeOf(t.dtype));
}

/** Reads a tf tensor back into a graph tensor of `dtype` (the value's declared type). */
export function fromTfValues(values: ArrayLike<number>, dims: readonly number[], dtype: DType): Tensor {
  switch (dtype) {
    case "float32":
      return makeTensor(dtype, dims, Float32Array.from(values));
    case "float64":
      return makeTensor(dtype, dims, Float64Array.from(values));
    case "float16":
      return makeTensor(dtype, dims, Uint16Array.from(values, floatToHalf));
    case "bfloat16":
      return makeTensor(dtype, dims, Uint16Array.from(values, (v) => new Uint32Array(new Float32Array([v]).buffer)[0]! >>> 16));
    case "int64":
      return makeTensor(dtype, dims, BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))));
    case "uint64":
      return makeTensor(dtype, dims, BigUint64Array.from(Array.from(values, (v) => BigInt(Math.max(0, Math.trunc(v))))));
    case "int32":
      return makeTensor(dtype, dims, Int32Array.from(values));
    case "int16":
      return makeTensor(dtype, dims, Int16Array.from(values));
    case "int8":
    case "int4":
      return makeTensor(dtype, dims, Int8Array.from(values));
    case "uint32":
      return makeTensor(dtype, dims, Uint32Array.from(values));
    case "uint16":
      return makeTensor(dtype, dims, Uint16Array.from(values));
    case "uint8":
    case "uint4":
    case "bool":
      return makeTensor(dtype, dims, Uint8Array.from(values));
    case "string":
      throw new ShapeError("string tensors cannot come out of the tfjs runtime");
  }
}
