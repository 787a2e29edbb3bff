// Resize through tfjs's own NHWC kernels (tf.image.resizeNearestNeighbor,
// resizeBilinear) when they compute exactly what ONNX asks for. The general
// path in resize.ts gathers along each axis: on wasm each gather is a slow
// kernel (~20 ms for a [8, 16, 16, 16] tensor), the native kernels are one
// pass. Rather than map attribute names to tfjs flags by hand, this builds the
// source indices and weights each tfjs flag combination would use (the
// formulas of tfjs's ResizeNearestNeighbor / ResizeBilinear kernels) and
// compares them with the ONNX taps resize.ts computed: the native kernel runs
// only when they agree for every output row and column. Gradients come from
// the general path (reference-gradient.ts): wasm has no ResizeBilinearGrad.
import { tf } from "../tf.js";

/** ONNX taps of one axis: source indices and weights per tap, per output position. */
export interface AxisTaps {
  readonly indices: readonly (readonly number[])[];
  readonly weights: readonly (readonly number[])[];
}

interface Flags {
  readonly alignCorners: boolean;
  readonly halfPixelCenters: boolean;
}
// tfjs refuses alignCorners and halfPixelCenters together.
const FLAG_CHOICES: readonly Flags[] = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
  { alignCorners: true, halfPixelCenters: false },
];

function ratio(inLen: number, outLen: number, alignCorners: boolean): number {
  return alignCorners && outLen > 1 ? (inLen - 1) / (outLen - 1) : inLen / outLen;
}

/** Per output position, source index → total weight (taps on one clamped index merged, zero weights dropped). */
function merged(taps: AxisTaps, x: number): Map<number, number> {
  const m = new Map<number, number>();
  taps.indices.forEach((idx, k) => {
    const w = taps.weights[k]![x]!;
    if (w !== 0) m.set(idx[x]!, (m.get(idx[x]!) ?? 0) + w);
  });
  return m;
}

function sameWeights(a: Map<number, number>, b: Map<number, number>): boolean {
  for (const [i, w] of a) if (Math.abs((b.get(i) ?? 0) - w) > 1e-5) return false;
  for (const [i, w] of b) if (Math.abs((a.get(i) ?? 0) - w) > 1e-5) return false;
  return true;
}

/** tfjs ResizeNearestNeighbor's source index for output `x`. */
function nearestSource(x: number, inLen: number, outLen: number, f: Flags): number {
  const r = ratio(inLen, outLen, f.alignCorners);
  const src = f.halfPixelCenters ? (x + 0.5) * r : x * r;
  const i = Math.min(inLen - 1, f.alignCorners ? Math.round(src) : Math.floor(src));
  return f.halfPixelCenters ? Math.max(0, i) : i;
}

/** tfjs ResizeBilinear's source indices and weights for output `x`. */
function bilinearSource(x: number, inLen: number, outLen: number, f: Flags): Map<number, number> {
  const r = ratio(inLen, outLen, f.alignCorners);
  const src = f.halfPixelCenters ? (x + 0.5) * r - 0.5 : x * r;
  const top = Math.max(0, Math.floor(src));
  const bottom = Math.min(inLen - 1, Math.ceil(src));
  const lerp = src - Math.floor(src);
  const m = new Map<number, number>();
  if (1 - lerp !== 0) m.set(top, 1 - lerp);
  if (lerp !== 0) m.set(bottom, (m.get(bottom) ?? 0) + lerp);
  return m;
}

function matches(mode: "nearest" | "linear", taps: AxisTaps, inLen: number, outLen: number, f: Flags): boolean {
  for (let x = 0; x < outLen; x++) {
    const onnx = merged(taps, x);
    const ok = mode === "nearest" ? onnx.size === 1 && onnx.has(nearestSource(x, inLen, outLen, f)) : sameWeights(onnx, bilinearSource(x, inLen, outLen, f));
    if (!ok) return false;
  }
  return true;
}

/**
 * A function resizing an NHWC float32 tensor of ONNX shape `onnxShape`
 * (N, C, H, W) with a tfjs kernel, or undefined when no tfjs kernel
 * reproduces the ONNX taps of both spatial axes exactly. `hTaps`/`wTaps`
 * undefined: that axis keeps its size and position (identity).
 */
export function nativeResize(mode: string, outHW: [number, number], onnxShape: readonly number[], hTaps: AxisTaps | undefined, wTaps: AxisTaps | undefined): ((x: tf.Tensor) => tf.Tensor) | undefined {
  if (mode !== "nearest" && mode !== "linear") return undefined;
  const [inH, inW] = [onnxShape[2]!, onnxShape[3]!];
  const identity = (len: number): AxisTaps => ({ indices: [Array.from({ length: len }, (_, i) => i)], weights: [Array<number>(len).fill(1)] });
  const flags = FLAG_CHOICES.find(
    (f) => matches(mode, hTaps ?? identity(inH), inH, outHW[0], f) && matches(mode, wTaps ?? identity(inW), inW, outHW[1], f),
  );
  if (flags === undefined) return undefined;
  return mode === "nearest"
    ? (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, outHW, flags.alignCorners, flags.halfPixelCenters)
    : (x) => tf.image.resizeBilinear(x as tf.Tensor4D, outHW, flags.alignCorners, flags.halfPixelCenters);
}
