// Slice as TF's StridedSlice: full-rank begin/end/strides with masks for the
// axes ONNX leaves alone and for its "to the end" sentinels (±2^63−1, which
// int32 cannot hold). Starts and ends computed at run time (positions sliced
// by a Shape) are assembled into the vectors with ConcatV2.
import { attrInts } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, axisFor, concatVectors } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

/** int32's range: anything beyond means "to the end" in the direction of the step. */
const HUGE = 2 ** 31 - 1;

function slice(c: ExportContext, opset10: boolean): string[] {
  const rank = c.rank(0);
  const read = (i: number, name: string) => (opset10 ? c.known(i) : [...attrInts(c.node, name)]);
  const starts = read(1, "starts");
  const ends = read(2, "ends");
  const axesRaw = opset10 ? (c.has(3) ? c.known(3) ?? c.fail("Slice axes must be constants") : undefined) : c.node.attributes.axes ? [...attrInts(c.node, "axes")] : undefined;
  const steps = opset10 && c.has(4) ? c.known(4) ?? c.fail("Slice steps must be constants") : undefined;
  const count = starts?.length ?? ends?.length ?? c.shape(1)?.[0];
  if (typeof count !== "number") c.fail("the number of sliced axes must be known");
  const axes = (axesRaw ?? Array.from({ length: count }, (_, i) => i)).map((a) => axisFor(c, a, rank));
  const stride = new Array<number>(rank).fill(1);
  let beginMask = 0;
  let endMask = 0;
  const beginConst = new Array<number>(rank).fill(0);
  const endConst = new Array<number>(rank).fill(0);
  for (let a = 0; a < rank; a++) {
    if (!axes.includes(a)) {
      beginMask |= 1 << a;
      endMask |= 1 << a;
    }
  }
  axes.forEach((axis, k) => {
    const step = steps?.[k] ?? 1;
    if (step === 0) c.fail("a Slice step of 0");
    stride[axis] = step;
    if (starts) {
      const s = starts[k]!;
      if (Math.abs(s) >= HUGE) beginMask |= 1 << axis;
      else beginConst[axis] = s;
    }
    if (ends) {
      const e = ends[k]!;
      if (step > 0 ? e >= HUGE : e <= -HUGE) endMask |= 1 << axis;
      else if (step > 0 && e <= -HUGE) endConst[axis] = 0;
      else if (step < 0 && e >= HUGE) endConst[axis] = HUGE;
      else endConst[axis] = e;
    }
  });
  // Run-time starts/ends: one element per sliced axis, gathered into place.
  const vector = (input: number, known: number[] | undefined, values: number[], name: string): string => {
    if (known) return c.b.ints(c.part(name), values);
    const pieces = Array.from({ length: rank }, (_, a) => {
      const k = axes.indexOf(a);
      if (k < 0) return c.b.ints(c.part(`${name}_${a}`), [0]);
      return c.b.op("StridedSlice", [c.input(input), c.b.ints(c.part(`${name}_${a}/b`), [k]), c.b.ints(c.part(`${name}_${a}/e`), [k + 1]), c.b.ints(c.part(`${name}_${a}/s`), [1])], {}, c.part(`${name}_${a}`));
    });
    return concatVectors(c, pieces, name);
  };
  const begin = vector(1, starts, beginConst, "begin");
  const end = vector(2, ends, endConst, "end");
  const attrs = { begin_mask: TF_ATTR.i(beginMask), end_mask: TF_ATTR.i(endMask), ellipsis_mask: TF_ATTR.i(0), new_axis_mask: TF_ATTR.i(0), shrink_axis_mask: TF_ATTR.i(0), ...T(c.type(0)) };
  return [c.b.op("StridedSlice", [c.input(0), begin, end, c.b.ints(c.part("strides"), stride)], attrs, c.node.name)];
}

export const SLICE_OPS: readonly ExportOp[] = [
  { opType: "Slice", since: 1, convert: (c) => slice(c, false) },
  { opType: "Slice", since: 10, convert: (c) => slice(c, true) },
];
