// IEEE 754 half precision and bfloat16 ↔ float32, for weights stored in 16
// bits (PyTorch .half() checkpoints, safetensors F16/BF16, TF.js float16
// weight quantization). Tensors keep 16-bit floats as their raw bit patterns.
import { makeTensor } from "./tensor.js";
import type { Tensor } from "./types.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Round to nearest even, as numpy's astype(float16) does; overflow becomes ±Infinity. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mantissa >> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

export function bfloat16ToFloat(bits: number): number {
  u32[0] = bits << 16;
  return f32[0]!;
}

/** A float16/bfloat16/float64 tensor as float32 (float32 returned as is). */
export function toFloat32(t: Tensor): Tensor<"float32"> {
  switch (t.dtype) {
    case "float32": return t as Tensor<"float32">;
    case "float16": return makeTensor("float32", t.dims, Float32Array.from(t.data as Uint16Array, halfToFloat));
    case "bfloat16": return makeTensor("float32", t.dims, Float32Array.from(t.data as Uint16Array, bfloat16ToFloat));
    case "float64": return makeTensor("float32", t.dims, Float32Array.from(t.data as Float64Array));
    default: throw new Error(`toFloat32: ${t.dtype} is not a float dtype`);
  }
}
