// The quantization grid: integer types, scales and zero points from a range,
// quantize/dequantize with ONNX's arithmetic (round half to even, saturate),
// and SQNR. Ranges always include 0 so that zero (padding, Relu's floor) is
// exactly representable, as onnxruntime's quantizer requires.
import { OptionError } from "../../core/errors.js";

export const BITS = [4, 8] as const;
export type Bits = (typeof BITS)[number];

export type IntDType = "int8" | "uint8" | "int4" | "uint4";

export interface QuantType {
  readonly dtype: IntDType;
  readonly bits: Bits;
  readonly qmin: number;
  readonly qmax: number;
}

/**
 * The integer type for `bits`. Symmetric grids drop the most negative code
 * (int8 [-127, 127], int4 [-7, 7]) so that +max and −max are both on the grid,
 * as onnxruntime's quantizer does for symmetric int8.
 */
export function quantType(bits: Bits, signed: boolean, symmetric = signed): QuantType {
  if (!(BITS as readonly number[]).includes(bits)) {
    throw new OptionError(`bits must be one of [${BITS.join(", ")}], got ${JSON.stringify(bits)}`, { details: { expected: BITS, got: bits } });
  }
  const levels = 2 ** bits;
  if (!signed) return { dtype: bits === 8 ? "uint8" : "uint4", bits, qmin: 0, qmax: levels - 1 };
  const qmax = levels / 2 - 1;
  return { dtype: bits === 8 ? "int8" : "int4", bits, qmin: symmetric ? -qmax : -qmax - 1, qmax };
}

/**
 * The int8 weight grid of static and dynamic quantization: symmetric
 * [-127, 127], or with `reduceRange` [-64, 64], where onnxruntime's uint8 ×
 * int8 kernels cannot saturate on CPUs without VNNI (see int8PairsSaturate).
 */
export function int8WeightType(reduceRange: boolean): QuantType {
  return reduceRange ? { dtype: "int8", bits: 8, qmin: -64, qmax: 64 } : quantType(8, true);
}

export interface ScaleZeroPoint {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** ONNX QuantizeLinear rounding: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Scale and zero point covering [min, max] (widened to include 0). Symmetric:
 * zero point at the grid's middle (0 for signed types), scale from max |x|.
 * The scale is rounded to float32, the precision files store.
 */
export function scaleZeroPoint(min: number, max: number, type: QuantType, symmetric: boolean): ScaleZeroPoint {
  let lo = Math.min(min, 0);
  let hi = Math.max(max, 0);
  if (symmetric) {
    const absMax = Math.max(-lo, hi);
    lo = -absMax;
    hi = absMax;
  }
  const span = type.qmax - type.qmin;
  const scale = Math.fround((hi - lo) / span);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: symmetric ? midpoint(type) : type.qmin };
  if (symmetric) return { scale, zeroPoint: midpoint(type) };
  const zeroPoint = Math.min(type.qmax, Math.max(type.qmin, roundHalfEven(type.qmin - lo / scale)));
  return { scale, zeroPoint };
}

function midpoint(type: QuantType): number {
  return type.qmin < 0 ? 0 : Math.ceil((type.qmin + type.qmax) / 2);
}

export function quantizeValue(x: number, scale: number, zeroPoint: number, type: QuantType): number {
  const q = roundHalfEven(x / scale) + zeroPoint;
  return q < type.qmin ? type.qmin : q > type.qmax ? type.qmax : q;
}

/** Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − x̂)²); Infinity when exact. */
export function sqnrDb(reference: ArrayLike<number>, approx: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const x = reference[i]!;
    const e = x - approx[i]!;
    signal += x * x;
    noise += e * e;
  }
  if (noise === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}
