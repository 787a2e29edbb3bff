// ONNX is channels-first (N, C, spatial…); TF.js convolutions, pools and
// resizes run channels-last (N, spatial…, C). Converters transpose into and
// out of channels-last around those ops; ../simplify.ts cancels the pairs that
// meet, so a chain of convolutions stays channels-last in between.
import type { ExportContext } from "./types.js";

/** [0, 2, …, r-1, 1]: channels-first → channels-last. */
export const toLastPerm = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
/** [0, r-1, 1, …, r-2]: channels-last → channels-first. */
export const toFirstPerm = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];

export function transpose(c: ExportContext, ref: string, perm: readonly number[], part: string): string {
  return c.b.op("Transpose", [ref, c.b.ints(c.part(`${part}/perm`), perm)], {}, c.part(part));
}

export const channelsLast = (c: ExportContext, ref: string, rank: number) => transpose(c, ref, toLastPerm(rank), "to_nhwc");
export const channelsFirst = (c: ExportContext, ref: string, rank: number) => transpose(c, ref, toFirstPerm(rank), "to_nchw");
