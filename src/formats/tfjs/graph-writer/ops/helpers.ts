// Small pieces several converters share: typed attribute dictionaries, the
// dims of a Shape, constants in the input's element type.
import { TF_ATTR, type TfAttrs } from "../../tf-attrs.js";
import { TF_DTYPE, type TfType } from "../builder.js";
import type { ExportContext } from "./types.js";

export const T = (type: TfType): TfAttrs => ({ T: TF_ATTR.type(TF_DTYPE[type]) });

/** A scalar constant of input i's type (float 1.5, int 3, bool true). */
export function scalarLike(c: ExportContext, type: TfType, value: number, part: string): string {
  if (type === "float32") return c.b.float(c.part(part), value);
  if (type === "int32") return c.b.int(c.part(part), value);
  return c.b.constant(c.part(part), "bool", [], Uint8Array.from([value ? 1 : 0]));
}

/** Dimension `axis` of `ref` as a 1-element int32 vector (Shape → StridedSlice), for dynamic shapes. */
export function dimOf(c: ExportContext, ref: string, axis: number, part: string): string {
  const shape = c.b.op("Shape", [ref], { out_type: TF_ATTR.type("DT_INT32") }, c.part(`${part}/shape`));
  return c.b.op("StridedSlice", [shape, c.b.ints(c.part(`${part}/begin`), [axis]), c.b.ints(c.part(`${part}/end`), [axis + 1]), c.b.ints(c.part(`${part}/strides`), [1])], {}, c.part(part));
}

/** Concatenates 1-D int32 pieces into one shape vector. */
export function concatVectors(c: ExportContext, pieces: readonly string[], part: string): string {
  if (pieces.length === 1) return pieces[0]!;
  return c.b.op("ConcatV2", [...pieces, c.b.int(c.part(`${part}/axis`), 0)], { N: TF_ATTR.i(pieces.length), ...T("int32") }, c.part(part));
}

/** A non-negative axis for `rank` (ONNX allows negative ones). */
export function axisFor(c: ExportContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) c.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Static dims of input i, or a failure naming why they are needed. */
export function staticDims(c: ExportContext, i: number, why: string): number[] {
  const shape = c.shape(i);
  if (!shape || !shape.every((d): d is number => typeof d === "number")) c.fail(`${why} needs input ${i}'s shape to be known (got ${shape ? `[${shape.join(", ")}]` : "unknown"})`);
  return shape as number[];
}
