// Ops that pick elements by value: TopK, and the data-dependent NonZero and
// Compress, whose output shapes come from the data (read synchronously).
import { tf } from "../tf.js";
import { intsOf, normalizeAxis, required, shapeError } from "./args.js";
import { Compress, NonZero, TopK } from "../../../graph/ops/select.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** What every TopK version declares; `largest` (and `sorted`) arrive at opset 11. */
interface TopKAttrs {
  readonly axis: number;
  readonly largest?: number;
}

function topK(inputs: readonly (tf.Tensor | undefined)[], k: number | undefined, attrs: TopKAttrs, ctx: OpContext): tf.Tensor[] {
  const x = required(inputs, 0, ctx, "X");
  const axis = normalizeAxis(attrs.axis, x.rank, ctx);
  const dim = x.shape[axis] as number;
  if (k === undefined || k < 0 || k > dim) throw shapeError(ctx, `K ${k} must be in [0, ${dim}] (the size of axis ${axis})`);
  const largest = (attrs.largest ?? 1) !== 0;
  return tf.tidy(() => {
    // tf.topk works on the last axis and finds the largest; move the axis there and negate for smallest.
    const perm = x.shape.map((_, i) => i);
    perm.splice(axis, 1);
    perm.push(axis);
    const last = axis === x.rank - 1 ? x : tf.transpose(x, perm);
    const { values, indices } = tf.topk(largest ? last : tf.neg(last), k, true);
    const picked = largest ? values : tf.neg(values);
    if (axis === x.rank - 1) return [picked, indices];
    const back = perm.map((_, i) => perm.indexOf(i));
    return [tf.transpose(picked, back), tf.transpose(indices, back)];
  });
}

const topK1 = implement(TopK[1], {
  run: (inputs, attrs, ctx) => topK(inputs, attrs.k, attrs, ctx),
});

const topK10 = implement(TopK[10], {
  run: (inputs, attrs, ctx) => topK(inputs, intsOf(inputs, 1, ctx)?.[0], attrs, ctx),
});

const topK11 = implement(TopK[11], {
  run: (inputs, attrs, ctx) => topK(inputs, intsOf(inputs, 1, ctx)?.[0], attrs, ctx),
});

const nonZero = implement(NonZero[9], {
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "X");
    const values = x.dataSync() as ArrayLike<number>;
    const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const hits: number[] = [];
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) hits.push(i);
    // [rank, count]: row r holds every hit's coordinate along axis r, in row-major order.
    const coords = new Int32Array(Math.max(1, x.rank) * hits.length);
    hits.forEach((flat, j) => {
      x.shape.forEach((d, r) => {
        coords[r * hits.length + j] = Math.floor(flat / (strides[r] as number)) % d;
      });
    });
    return [tf.tensor2d(coords, [Math.max(1, x.rank), hits.length], "int32")];
  },
});

const compress = implement(Compress[9], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const condition = required(inputs, 1, ctx, "condition").dataSync() as ArrayLike<number>;
    const flat = attrs.axis === undefined;
    const axis = flat ? 0 : normalizeAxis(attrs.axis, x.rank, ctx);
    const dim = flat ? x.size : (x.shape[axis] as number);
    const keep: number[] = [];
    for (let i = 0; i < Math.min(dim, condition.length); i++) if (condition[i]) keep.push(i);
    return [tf.tidy(() => tf.gather(flat ? tf.reshape(x, [x.size]) : x, tf.tensor1d(keep, "int32"), axis))];
  },
});

export const SELECT_OPS: readonly OpEntry[] = [topK1, topK10, topK11, nonZero, compress];
