// Slice: starts/ends/axes as attributes before opset 10, as inputs (plus
// steps) from 10. Unit steps become one tf.slice; other steps (negative ones
// included) a tf.gather of the picked indices, so every form has a gradient.
import { tf } from "../tf.js";
import { intsOf, normalizeAxis, required, shapeError } from "./args.js";
import { sliceRows } from "./slice-rows.js";
import { Slice } from "../../../graph/ops/slice.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

interface SliceSpec {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly axes?: readonly number[];
  readonly steps?: readonly number[];
}

export function sliceTensor(x: tf.Tensor, spec: SliceSpec, ctx: OpContext): tf.Tensor {
  const { starts, ends } = spec;
  if (starts.length !== ends.length) {
    throw shapeError(ctx, `starts (${starts.length}) and ends (${ends.length}) must have the same length`);
  }
  const axes = spec.axes ?? starts.map((_, i) => i);
  const steps = spec.steps ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) {
    throw shapeError(ctx, `axes (${axes.length}) and steps (${steps.length}) must match starts (${starts.length})`);
  }
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  const picks: { axis: number; indices: number[] }[] = [];
  const seen = new Set<number>();
  axes.forEach((rawAxis, k) => {
    const axis = normalizeAxis(rawAxis, x.rank, ctx);
    if (seen.has(axis)) throw shapeError(ctx, `axis ${axis} appears twice in axes [${axes.join(", ")}]`);
    seen.add(axis);
    const dim = x.shape[axis] as number;
    const step = steps[k] as number;
    if (step === 0) throw shapeError(ctx, `step for axis ${axis} must not be 0`);
    let s = starts[k] as number;
    let e = ends[k] as number;
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    // ONNX clamps differently by direction: a backward slice may end before index 0.
    [s, e] = step > 0 ? [clamp(s, 0, dim), clamp(e, 0, dim)] : [clamp(s, 0, dim - 1), clamp(e, -1, dim - 1)];
    const count = Math.max(0, Math.ceil((e - s) / step));
    if (step === 1) {
      begin[axis] = s;
      size[axis] = count;
    } else {
      picks.push({ axis, indices: Array.from({ length: count }, (_, i) => s + i * step) });
    }
  });
  return tf.tidy(() => {
    let out = sliceRows(x, begin, size);
    for (const { axis, indices } of picks) out = tf.gather(out, tf.tensor1d(indices, "int32"), axis);
    return out;
  });
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

const slice1 = implement(Slice[1], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    return [sliceTensor(x, { starts: attrs.starts, ends: attrs.ends, axes: attrs.axes }, ctx)];
  },
});

const slice10 = implement(Slice[10], {
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    required(inputs, 1, ctx, "starts");
    required(inputs, 2, ctx, "ends");
    const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => intsOf(inputs, i, ctx));
    return [sliceTensor(x, { starts: starts as number[], ends: ends as number[], axes, steps }, ctx)];
  },
});

export const SLICE_OPS: readonly OpEntry[] = [slice1, slice10];
