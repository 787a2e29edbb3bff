// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool on channels-last
// input. Pads are applied with tf.pad (−∞ for max, 0 for average) and the pool
// runs "valid", which makes ceil_mode and count_include_pad exact:
// ceil_mode adds tail padding, but (as in PyTorch and onnxruntime) a window
// that would start in the right padding is dropped, and average pooling never
// counts those extra tail cells.
import { tf } from "../tf.js";
import { shapeError, unsupportedFeature } from "./args.js";
import { AveragePool, GlobalAveragePool, GlobalMaxPool, MaxPool } from "../../../graph/ops/pool.js";
import { as2d, geometry, type Geometry2d, type WindowAttrs } from "./spatial.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** What the MaxPool and AveragePool versions declare (later versions add the optional ones). */
interface PoolAttrs extends WindowAttrs {
  readonly kernel_shape: readonly number[];
  readonly ceil_mode?: number;
  readonly storage_order?: number;
  readonly count_include_pad?: number;
}

function outputSize(inSize: number, k: number, s: number, d: number, padBegin: number, padEnd: number, ceil: boolean): number {
  const span = inSize + padBegin + padEnd - ((k - 1) * d + 1);
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= inSize + padBegin) out -= 1;
  return out;
}

/** Tail padding so that a "valid" pool yields `out` windows. */
function extraTail(inSize: number, out: number, k: number, s: number, d: number, padBegin: number, padEnd: number): number {
  return Math.max(0, (out - 1) * s + (k - 1) * d + 1 - (inSize + padBegin + padEnd));
}

interface PoolPlan {
  readonly g: Geometry2d;
  /** NHWC pads including the ceil-mode tail. */
  readonly pads: [[number, number], [number, number], [number, number], [number, number]];
  readonly extra: [number, number];
}

function planPool(x: tf.Tensor4D, attrs: PoolAttrs, spatialRank: number, ctx: OpContext): PoolPlan {
  const ks = attrs.kernel_shape;
  if (ks.length !== spatialRank) throw shapeError(ctx, `kernel_shape has ${ks.length} values for ${spatialRank} spatial dims`);
  const kernel: [number, number] = spatialRank === 1 ? [1, ks[0]!] : [ks[0]!, ks[1]!];
  const g = geometry(attrs, spatialRank, [x.shape[1], x.shape[2]], kernel, ctx);
  const ceil = attrs.ceil_mode === 1;
  const extra = [0, 1].map((i) => {
    const [pb, pe] = [g.pads[2 * i]!, g.pads[2 * i + 1]!];
    const inSize = x.shape[1 + i]!;
    const out = outputSize(inSize, kernel[i]!, g.strides[i]!, g.dilations[i]!, pb, pe, ceil);
    if (out <= 0) throw shapeError(ctx, `input of size ${inSize} is smaller than the pooling window`);
    return extraTail(inSize, out, kernel[i]!, g.strides[i]!, g.dilations[i]!, pb, pe);
  }) as [number, number];
  const pads: PoolPlan["pads"] = [
    [0, 0],
    [g.pads[0], g.pads[1] + extra[0]],
    [g.pads[2], g.pads[3] + extra[1]],
    [0, 0],
  ];
  return { g, pads, extra };
}

function pool(x: tf.Tensor4D, plan: PoolPlan, type: "max" | "avg", ctx: OpContext): tf.Tensor4D {
  const { g } = plan;
  const dilated = g.dilations[0] > 1 || g.dilations[1] > 1;
  if (dilated && (g.strides[0] > 1 || g.strides[1] > 1)) throw unsupportedFeature(ctx, "pooling with both dilations and strides > 1");
  if (dilated) return tf.pool(x, g.kernel, type, "valid", g.dilations, 1) as tf.Tensor4D;
  return type === "max" ? tf.maxPool(x, g.kernel, g.strides, "valid") : tf.avgPool(x, g.kernel, g.strides, "valid");
}

function runMaxPool(inputs: readonly (tf.Tensor | undefined)[], attrs: PoolAttrs, ctx: OpContext): tf.Tensor[] {
  if (ctx.node.outputs[1]) throw unsupportedFeature(ctx, "MaxPool's Indices output");
  if (attrs.storage_order === 1) throw unsupportedFeature(ctx, "storage_order=1");
  const x = inputs[0]!;
  // tfjs pools float32 only; integer inputs (uint8/int8 models) round-trip exactly.
  const xf = x.dtype === "float32" ? x : tf.cast(x, "float32");
  const { x4, squeeze } = as2d(xf, ctx);
  const plan = planPool(x4, attrs, x.rank - 2, ctx);
  const padded = plan.pads.some(([a, b]) => a || b) ? tf.pad(x4, plan.pads, -Infinity) : x4;
  const y = squeeze(pool(padded, plan, "max", ctx));
  return [x.dtype === "float32" ? y : tf.cast(y, x.dtype)];
}

function runAveragePool(inputs: readonly (tf.Tensor | undefined)[], attrs: PoolAttrs, ctx: OpContext): tf.Tensor[] {
  const x = inputs[0]!;
  const { x4, squeeze } = as2d(x, ctx);
  const plan = planPool(x4, attrs, x.rank - 2, ctx);
  const { g } = plan;
  if (!plan.pads.some(([a, b]) => a || b)) return [squeeze(pool(x4, plan, "avg", ctx))];
  const sum = tf.mul(pool(tf.pad(x4, plan.pads), plan, "avg", ctx), g.kernel[0] * g.kernel[1]);
  // Divisor per window: the cells it covers that count (the input, plus the
  // declared pads when count_include_pad) — never the ceil-mode tail.
  const [, h, w] = x4.shape;
  const counted = attrs.count_include_pad === 1 ? [h + g.pads[0] + g.pads[1], w + g.pads[2] + g.pads[3]] : [h, w];
  const lead = attrs.count_include_pad === 1 ? [0, 0] : [g.pads[0], g.pads[2]];
  const mask = tf.pad(tf.ones([1, counted[0]!, counted[1]!, 1]), [
    [0, 0],
    [lead[0]!, plan.pads[1][0] + plan.pads[1][1] + h - counted[0]! - lead[0]!],
    [lead[1]!, plan.pads[2][0] + plan.pads[2][1] + w - counted[1]! - lead[1]!],
    [0, 0],
  ]) as tf.Tensor4D;
  const count = tf.mul(pool(mask, plan, "avg", ctx), g.kernel[0] * g.kernel[1]);
  return [squeeze(tf.div(sum, count))];
}

const maxPool = { layout: "channelsLast", run: runMaxPool } as const;
export const maxPool1 = implement(MaxPool[1], maxPool);
export const maxPool8 = implement(MaxPool[8], maxPool);
export const maxPool10 = implement(MaxPool[10], maxPool);

const averagePool = { layout: "channelsLast", run: runAveragePool } as const;
export const averagePool7 = implement(AveragePool[7], averagePool);
export const averagePool10 = implement(AveragePool[10], averagePool);
export const averagePool19 = implement(AveragePool[19], averagePool);

/** Channels-last spatial axes: 1 … rank−2. Output keeps them as size 1. */
function spatialAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
}

/**
 * Inference on a 1-D or 2-D input: one pooling window as large as the input.
 * tfjs wasm's Mean and Max over the spatial axes transpose the input first
 * (the reduced axes are not innermost); its pools run XNNPACK on NHWC as it is
 * (mean 167 µs, avgPool 60 µs on 8×16×16×24, measured). Training keeps the
 * reductions' gradients.
 */
function globalPool(x: tf.Tensor, kind: "avg" | "max", ctx: OpContext): tf.Tensor | undefined {
  if (tf.engine().state.gradientDepth > 0 || (x.rank !== 3 && x.rank !== 4) || x.dtype !== "float32") return undefined;
  const { x4, squeeze } = as2d(x, ctx);
  const window: [number, number] = [x4.shape[1], x4.shape[2]];
  return squeeze(kind === "avg" ? tf.avgPool(x4, window, window, "valid") : tf.maxPool(x4, window, window, "valid"));
}

export const globalAveragePool = implement(GlobalAveragePool[1], {
  layout: "channelsLast",
  run: ([x], _attrs, ctx) => [globalPool(x!, "avg", ctx) ?? tf.mean(x!, spatialAxes(x!), true)],
});

export const globalMaxPool = implement(GlobalMaxPool[1], {
  layout: "channelsLast",
  run: ([x], _attrs, ctx) => [globalPool(x!, "max", ctx) ?? tf.max(x!, spatialAxes(x!), true)],
});

export const POOL_OPS: readonly OpEntry[] = [
  maxPool1,
  maxPool8,
  maxPool10,
  averagePool7,
  averagePool10,
  averagePool19,
  globalAveragePool,
  globalMaxPool,
];
