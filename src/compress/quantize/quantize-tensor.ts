// Quantizes a float tensor on a grid per tensor, per channel (one scale per
// index of `axis`) or per block (`blockSize` consecutive values along `axis`
// share a scale, ONNX opset 21's blocked DequantizeLinear). Returns the
// integers, scales and zero points in the shapes DequantizeLinear takes, and the
// dequantized values so the caller can report the error it made.
import { OptionError } from "../../core/errors.js";
import { numElements } from "../../graph/tensor.js";
import { quantizeValue, scaleZeroPoint, sqnrDb, type QuantType } from "./grid.js";

export type Granularity =
  | { readonly kind: "tensor" }
  | { readonly kind: "axis"; readonly axis: number }
  | { readonly kind: "block"; readonly axis: number; readonly blockSize: number };

export interface QuantizedTensor {
  readonly type: QuantType;
  readonly granularity: Granularity;
  readonly dims: readonly number[];
  /** One integer per element, in the tensor's order. */
  readonly values: Int8Array | Uint8Array;
  /** Scale dims as DequantizeLinear takes them: [] per tensor, [C] per axis, dims with ⌈D/block⌉ at axis per block. */
  readonly scaleDims: readonly number[];
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  readonly dequantized: Float32Array;
  /** Weight SQNR in dB (Infinity when exact). */
  readonly sqnr: number;
}

/** Outer × axis × inner decomposition of `dims` around `axis`. */
function split(dims: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  return { outer: numElements(dims.slice(0, axis)), size: dims[axis]!, inner: numElements(dims.slice(axis + 1)) };
}

/** Which scale each element uses, and the scale tensor's dims. */
export function groups(dims: readonly number[], g: Granularity): { groupOf: (i: number) => number; count: number; scaleDims: number[] } {
  if (g.kind === "tensor") return { groupOf: () => 0, count: 1, scaleDims: [] };
  if (!Number.isInteger(g.axis) || g.axis < 0 || g.axis >= dims.length) {
    throw new OptionError(`quantization axis ${g.axis} is outside a tensor of dims [${dims.join(", ")}]`);
  }
  const { outer, size, inner } = split(dims, g.axis);
  if (g.kind === "axis") return { groupOf: (i) => Math.floor(i / inner) % size, count: size, scaleDims: [size] };
  if (!Number.isInteger(g.blockSize) || g.blockSize < 2) throw new OptionError(`blockSize must be an integer ≥ 2, got ${g.blockSize}`);
  const blocks = Math.ceil(size / g.blockSize);
  const scaleDims = dims.map((d, k) => (k === g.axis ? blocks : d));
  return {
    groupOf: (i) => {
      const r = i % inner;
      const a = Math.floor(i / inner) % size;
      const o = Math.floor(i / (inner * size));
      return (o * blocks + Math.floor(a / g.blockSize)) * inner + r;
    },
    count: outer * blocks * inner,
    scaleDims,
  };
}

export function quantizeTensor(
  data: Float32Array,
  dims: readonly number[],
  type: QuantType,
  granularity: Granularity,
  symmetric: boolean,
): QuantizedTensor {
  const { groupOf, count, scaleDims } = groups(dims, granularity);
  const min = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  const group = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const k = groupOf(i);
    group[i] = k;
    const v = data[i]!;
    if (v < min[k]!) min[k] = v;
    if (v > max[k]!) max[k] = v;
  }
  const scale = new Float32Array(count);
  const zeroPoint = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const p = scaleZeroPoint(Number.isFinite(min[k]!) ? min[k]! : 0, Number.isFinite(max[k]!) ? max[k]! : 0, type, symmetric);
    scale[k] = p.scale;
    zeroPoint[k] = p.zeroPoint;
  }
  const values = type.qmin < 0 ? new Int8Array(data.length) : new Uint8Array(data.length);
  const dequantized = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const k = group[i]!;
    const q = quantizeValue(data[i]!, scale[k]!, zeroPoint[k]!, type);
    values[i] = q;
    dequantized[i] = (q - zeroPoint[k]!) * scale[k]!;
  }
  return { type, granularity, dims, values, scaleDims, scale, zeroPoint, dequantized, sqnr: sqnrDb(data, dequantized) };
}
