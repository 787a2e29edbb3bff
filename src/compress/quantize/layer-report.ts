// What a quantize step says about each layer: its weight's grid (scales, zero
// points, range, bits, SQNR), its activations' ranges, whether it became
// integer or stayed float, and why. Built by the steps, rendered by report.ts.
import type { QuantizedTensor } from "./quantize-tensor.js";

export type Choice = "int8" | "int4" | "float";

export interface TensorGrid {
  /** Value name in the float graph. */
  readonly name: string;
  readonly bits: number;
  readonly dtype: string;
  /** "per tensor", "per channel (axis 0)", "block 32 (axis 1)", "dynamic (per batch)". */
  readonly granularity: string;
  readonly scale: readonly [number, number];
  readonly zeroPoint: readonly [number, number];
  /** Float range the grid covers. */
  readonly range: readonly [number, number];
  /** SQNR of the quantized tensor against the float one, dB (weights; activations on calibration data). */
  readonly sqnr?: number;
}

export interface LayerRow {
  readonly layer: string;
  readonly op: string;
  readonly weight?: TensorGrid;
  /** The layer's quantized output (static) or input (dynamic). */
  readonly activation?: TensorGrid;
  /** How the layer is stored: "DequantizeLinear", "MatMulNBits", "QDQ → QLinearConv", "MatMulInteger"… */
  readonly format?: string;
  readonly choice: Choice;
  readonly reason: string;
  /** onnxruntime time of this layer alone at the measured batch, when measured. */
  readonly floatMs?: number;
  readonly int8Ms?: number;
}

function extent(values: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length === 0 ? [0, 0] : [lo, hi];
}

export function describeGranularity(q: Pick<QuantizedTensor, "granularity">): string {
  const g = q.granularity;
  return g.kind === "tensor" ? "per tensor" : g.kind === "axis" ? `per channel (axis ${g.axis})` : `block ${g.blockSize} (axis ${g.axis})`;
}

/** The grid of a quantized weight, for the report. */
export function weightGrid(name: string, original: Float32Array, q: QuantizedTensor): TensorGrid {
  return {
    name,
    bits: q.type.bits,
    dtype: q.type.dtype,
    granularity: describeGranularity(q),
    scale: extent(q.scale),
    zeroPoint: extent(q.zeroPoint),
    range: extent(original),
    sqnr: q.sqnr,
  };
}
