// Ops that only move or describe shapes: Shape, Size, Reshape, Flatten, Squeeze,
// Unsqueeze, Expand, Tile, ConstantOfShape, Constant, Range, Identity.
// Shape-valued inputs are read through intsOf (compile-time constant first).
import { tf } from "../tf.js";
import { toTf } from "../tensors.js";
import { intsOf, normalizeAxis, required, shapeError, unsupportedFeature, where } from "./args.js";
import { Constant, ConstantOfShape, Expand, Flatten, Identity, Range, Reshape, Shape, Size, Squeeze, Tile, Unsqueeze } from "../../../graph/ops/shape.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

const shapeOp = implement(Shape[1], {
  run([x], attrs, ctx) {
    const dims = required([x], 0, ctx, "data").shape;
    const rank = dims.length;
    const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
    const start = clamp(attrs.start);
    const end = attrs.end === undefined ? rank : clamp(attrs.end);
    const picked = dims.slice(start, Math.max(start, end));
    return [tf.tensor1d(picked, "int32")];
  },
});

/** ONNX Reshape's target: 0 copies the input dim (unless allowzero), -1 is inferred. */
export function reshapeTarget(inputShape: readonly number[], spec: readonly number[], allowZero: boolean, ctx: OpContext): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? inputShape[i] : d));
  if (out.some((d) => d === undefined)) {
    throw shapeError(ctx, `shape [${spec.join(", ")}] copies a dim (0) beyond the input's rank ${inputShape.length}`);
  }
  const total = inputShape.reduce((a, b) => a * b, 1);
  const inferred = out.filter((d) => d === -1).length;
  if (inferred > 1) throw shapeError(ctx, `shape [${spec.join(", ")}] has more than one -1`);
  if (inferred === 1) {
    const known = out.reduce((a, d) => (d === -1 ? a : a * (d as number)), 1);
    if (known === 0 || total % known !== 0) {
      throw shapeError(ctx, `cannot reshape [${inputShape.join(", ")}] to [${spec.join(", ")}]`);
    }
    return out.map((d) => (d === -1 ? total / known : (d as number)));
  }
  return out as number[];
}

function reshapeTo(x: tf.Tensor, target: number[], ctx: OpContext): tf.Tensor {
  if (target.reduce((a, b) => a * b, 1) !== x.size) {
    throw shapeError(ctx, `cannot reshape [${x.shape.join(", ")}] (${x.size} elements) to [${target.join(", ")}]`);
  }
  return tf.reshape(x, target);
}

const reshape = implement(Reshape[5], {
  run(inputs, attrs, ctx) {
    const x = required(inputs, 0, ctx, "data");
    const spec = intsOf(inputs, 1, ctx);
    if (spec === undefined) throw shapeError(ctx, "input 1 (shape) is required but missing");
    return [reshapeTo(x, reshapeTarget(x.shape, spec, attrs.allowzero === 1, ctx), ctx)];
  },
});

const flatten = implement(Flatten[1], {
  run([x], attrs, ctx) {
    const data = required([x], 0, ctx, "input");
    const rank = data.rank;
    const axis = attrs.axis === rank ? rank : normalizeAxis(attrs.axis, rank, ctx);
    const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    return [tf.reshape(data, [product(data.shape.slice(0, axis)), product(data.shape.slice(axis))])];
  },
});

function squeezeAxes(x: tf.Tensor, axes: readonly number[] | undefined, ctx: OpContext): tf.Tensor[] {
  if (axes === undefined) return [tf.reshape(x, x.shape.filter((d) => d !== 1))];
  const drop = new Set(axes.map((a) => normalizeAxis(a, x.rank, ctx)));
  for (const a of drop) {
    if (x.shape[a] !== 1) throw shapeError(ctx, `cannot squeeze axis ${a} of size ${x.shape[a]} (shape [${x.shape.join(", ")}])`);
  }
  return [tf.reshape(x, x.shape.filter((_, i) => !drop.has(i)))];
}

const squeeze1 = implement(Squeeze[1], {
  run: (inputs, attrs, ctx) => squeezeAxes(required(inputs, 0, ctx, "data"), attrs.axes, ctx),
});

const squeeze13 = implement(Squeeze[13], {
  run: (inputs, _attrs, ctx) => squeezeAxes(required(inputs, 0, ctx, "data"), intsOf(inputs, 1, ctx), ctx),
});

function unsqueezeAxes(x: tf.Tensor, axes: readonly number[] | undefined, ctx: OpContext): tf.Tensor[] {
  if (axes === undefined) throw shapeError(ctx, "axes are required");
  const outRank = x.rank + axes.length;
  const inserted = new Set(axes.map((a) => normalizeAxis(a, outRank, ctx)));
  if (inserted.size !== axes.length) throw shapeError(ctx, `axes [${axes.join(", ")}] repeat an axis`);
  const rest = [...x.shape];
  const shape = Array.from({ length: outRank }, (_, i) => (inserted.has(i) ? 1 : (rest.shift() as number)));
  return [tf.reshape(x, shape)];
}

const unsqueeze1 = implement(Unsqueeze[1], {
  run: (inputs, attrs, ctx) => unsqueezeAxes(required(inputs, 0, ctx, "data"), attrs.axes, ctx),
});

const unsqueeze13 = implement(Unsqueeze[13], {
  run: (inputs, _attrs, ctx) => unsqueezeAxes(required(inputs, 0, ctx, "data"), intsOf(inputs, 1, ctx), ctx),
});

/** Numpy-style broadcast of two shapes, or a ShapeError naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[], ctx: OpContext): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw shapeError(ctx, `shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** tfjs's Tile gradient (which broadcastTo uses) stops at rank 4. */
const MAX_TILE_GRAD_RANK = 4;

/** broadcastTo that trains at any rank: beyond rank 4, adding zeros broadcasts and Add's gradient sums back. */
function broadcastWithGradient(x: tf.Tensor, shape: number[]): tf.Tensor {
  if (shape.length <= MAX_TILE_GRAD_RANK || x.dtype === "bool") return tf.broadcastTo(x, shape);
  return tf.tidy(() => tf.add(x, tf.zeros(shape, x.dtype)));
}

const expand = implement(Expand[8], {
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const target = intsOf(inputs, 1, ctx);
    if (target === undefined) throw shapeError(ctx, "input 1 (shape) is required but missing");
    return [broadcastWithGradient(x, broadcastShapes(x.shape, target, ctx))];
  },
});

const tile = implement(Tile[6], {
  run(inputs, _attrs, ctx) {
    const x = required(inputs, 0, ctx, "input");
    const repeats = intsOf(inputs, 1, ctx);
    if (repeats === undefined || repeats.length !== x.rank) {
      throw shapeError(ctx, `repeats must have one entry per input dim (${x.rank}), got ${repeats?.length ?? "none"}`);
    }
    if (x.rank === 0) return [tf.clone(x)];
    if (x.rank <= MAX_TILE_GRAD_RANK || x.dtype === "bool") return [tf.tile(x, repeats)];
    // Higher ranks: a repeat axis before every dim, broadcast, then merged: [r0, d0, r1, d1…] → [r0·d0, r1·d1…].
    return [
      tf.tidy(() => {
        const spread = tf.reshape(x, x.shape.flatMap((d) => [1, d]));
        const repeated = broadcastWithGradient(spread, x.shape.flatMap((d, i) => [repeats[i] as number, d]));
        return tf.reshape(repeated, x.shape.map((d, i) => d * (repeats[i] as number)));
      }),
    ];
  },
});

const constantOfShape = implement(ConstantOfShape[9], {
  run(inputs, attrs, ctx) {
    const shape = intsOf(inputs, 0, ctx) ?? [];
    const value = attrs.value;
    if (value === undefined) return [tf.fill(shape, 0, "float32")];
    const scalar = toTf(value, where(ctx));
    const out = tf.fill(shape, scalar.dataSync()[0] as number, scalar.dtype);
    scalar.dispose();
    return [out];
  },
});

const constant = implement(Constant[1], {
  run(_inputs, attrs, ctx) {
    if (attrs.value !== undefined) return [toTf(attrs.value, where(ctx))];
    if (attrs.value_float !== undefined) return [tf.scalar(attrs.value_float, "float32")];
    if (attrs.value_floats !== undefined) return [tf.tensor1d([...attrs.value_floats], "float32")];
    if (attrs.value_int !== undefined) return [tf.scalar(attrs.value_int, "int32")];
    if (attrs.value_ints !== undefined) return [tf.tensor1d([...attrs.value_ints], "int32")];
    if (attrs.value_string !== undefined || attrs.value_strings !== undefined) throw unsupportedFeature(ctx, "a string constant");
    throw shapeError(ctx, "has none of the value attributes (value, value_float(s), value_int(s))");
  },
});

const range = implement(Range[11], {
  run(inputs, _attrs, ctx) {
    const [start, limit, delta] = [0, 1, 2].map((i) => {
      const t = required(inputs, i, ctx, ["start", "limit", "delta"][i] as string);
      return { dtype: t.dtype, value: Number(ctx.constantOf(i)?.[0] ?? t.dataSync()[0]) };
    }) as [{ dtype: tf.DataType; value: number }, { value: number }, { value: number }];
    if (delta.value === 0) throw shapeError(ctx, "delta must not be 0");
    const count = Math.max(Math.ceil((limit.value - start.value) / delta.value), 0);
    // Element i is start + i·delta, from the count ONNX defines, so float steps never add or lose an element.
    const values = Array.from({ length: count }, (_, i) => start.value + i * delta.value);
    return [tf.tensor1d(values, start.dtype === "int32" ? "int32" : "float32")];
  },
});

const size = implement(Size[1], {
  run: (inputs, _attrs, ctx) => [tf.scalar(required(inputs, 0, ctx, "data").size, "int32")],
});

const identity = implement(Identity[1], {
  layout: "elementwise",
  run: (inputs, _attrs, ctx) => [tf.clone(required(inputs, 0, ctx, "input"))],
});

export const SHAPE_OPS: readonly OpEntry[] = [
  shapeOp,
  size,
  reshape,
  flatten,
  squeeze1,
  squeeze13,
  unsqueeze1,
  unsqueeze13,
  expand,
  tile,
  constantOfShape,
  constant,
  range,
  identity,
];
