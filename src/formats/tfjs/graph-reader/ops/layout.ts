// NHWC ↔ NCHW around the ONNX ops that need channels first.
import type { ImportContext } from "./types.js";

export const toNchw = (c: ImportContext, x: string, rank = 4) => c.onnx("Transpose", [x], { perm: [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)] }, "to_nchw")[0]!;
export const toNhwc = (c: ImportContext, x: string, rank = 4, suffix = "") => c.onnx("Transpose", [x], { perm: [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1] }, suffix || undefined)[0]!;

/** TF's [1, h, w, 1] (NHWC) or [1, 1, h, w] (NCHW) list → [h, w]. */
export function spatial(values: readonly number[] | undefined, nchw: boolean, fallback = 1): number[] {
  if (!values || values.length !== 4) return [fallback, fallback];
  return nchw ? [values[2]!, values[3]!] : [values[1]!, values[2]!];
}
