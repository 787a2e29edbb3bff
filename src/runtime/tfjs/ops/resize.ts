// Resize (opsets 10, 11/13, 18) and Upsample (7, 9), separable over axes.
// Each resized axis becomes a few "taps": for every output position, source
// indices and weights computed here in plain numbers (1 tap nearest, 2 linear,
// 4 cubic), applied with tf.gather and a weighted sum. That covers every
// coordinate transformation mode and rank, and keeps the gradient.
// Resize takes its input channels-last: when tfjs's NHWC resize kernels give
// exactly the same taps (resize-native.ts) they run instead of the gathers;
// otherwise the input goes back to ONNX layout for the general path.
import { tf } from "../tf.js";
import { channelsLastPerm, onnxPerm } from "../layout.js";
import { nativeResize } from "./resize-native.js";
import { withReferenceGradient } from "./reference-gradient.js";
import { floatsOf, intsOf, normalizeAxis, required, shapeError, unsupportedFeature } from "./args.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import { Resize, Upsample } from "../../../graph/ops/resize.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

/** Resize-11's attributes; opset 18 adds antialias, axes and keep_aspect_ratio_policy. */
type Resize11Attrs = AttrValues<(typeof Resize)[11]["attributes"]> & Partial<AttrValues<(typeof Resize)[18]["attributes"]>>;

interface ResizeMode {
  readonly mode: string;
  readonly coordinate: string;
  readonly nearest: string;
  readonly cubicA: number;
  readonly excludeOutside: boolean;
  readonly extrapolation: number;
}

/**
 * Output coordinate → input coordinate, as ONNX's coordinate_transformation_mode
 * defines. `resized` is the output length before flooring (input length ×
 * scale when scales are given), which is what ONNX's formulas use; `outLen`
 * is the integer length.
 */
interface Lengths {
  readonly inLen: number;
  readonly outLen: number;
  readonly resized: number;
}
type Transform = (x: number, scale: number, len: Lengths, roiStart: number, roiEnd: number) => number;
const TRANSFORMS: Readonly<Record<string, Transform>> = Object.freeze({
  half_pixel: (x, s) => (x + 0.5) / s - 0.5,
  half_pixel_symmetric: (x, s, { inLen, outLen, resized }) => (inLen / 2) * (1 - outLen / resized) + (x + 0.5) / s - 0.5,
  pytorch_half_pixel: (x, s, { resized }) => (resized > 1 ? (x + 0.5) / s - 0.5 : 0),
  align_corners: (x, _s, { inLen, resized }) => (resized === 1 ? 0 : (x * (inLen - 1)) / (resized - 1)),
  asymmetric: (x, s) => x / s,
  tf_half_pixel_for_nn: (x, s) => (x + 0.5) / s,
  tf_crop_and_resize: (x, _s, { inLen, resized }, a, b) =>
    resized > 1 ? a * (inLen - 1) + (x * (b - a) * (inLen - 1)) / (resized - 1) : 0.5 * (a + b) * (inLen - 1),
});

const ROUNDING: Readonly<Record<string, (v: number) => number>> = Object.freeze({
  round_prefer_floor: (v) => Math.ceil(v - 0.5),
  round_prefer_ceil: (v) => Math.floor(v + 0.5),
  floor: Math.floor,
  ceil: Math.ceil,
});

/** Keys' cubic convolution weights for offsets -1, 0, 1, 2 at fraction t. */
function cubicWeights(t: number, a: number): number[] {
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

interface Taps {
  readonly indices: number[][];
  readonly weights: number[][];
  /** Output positions whose source lies outside the input (tf_crop_and_resize extrapolates). */
  readonly outside: boolean[];
}

function axisTaps(len: Lengths, scale: number, roi: [number, number], m: ResizeMode, ctx: OpContext): Taps {
  const { inLen, outLen } = len;
  const transform = TRANSFORMS[m.coordinate];
  if (transform === undefined) throw unsupportedFeature(ctx, `coordinate_transformation_mode "${m.coordinate}"`);
  const kernel = m.mode === "nearest" ? 1 : m.mode === "cubic" ? 4 : 2;
  const indices = Array.from({ length: kernel }, () => new Array<number>(outLen));
  const weights = Array.from({ length: kernel }, () => new Array<number>(outLen));
  const outside = new Array<boolean>(outLen).fill(false);
  const clampIndex = (i: number) => Math.min(inLen - 1, Math.max(0, i));
  for (let x = 0; x < outLen; x++) {
    const src = transform(x, scale, len, roi[0], roi[1]);
    outside[x] = m.coordinate === "tf_crop_and_resize" && (src < 0 || src > inLen - 1);
    if (m.mode === "nearest") {
      const round = ROUNDING[m.nearest];
      if (round === undefined) throw unsupportedFeature(ctx, `nearest_mode "${m.nearest}"`);
      (indices[0] as number[])[x] = clampIndex(round(src));
      (weights[0] as number[])[x] = 1;
      continue;
    }
    const base = Math.floor(src);
    const t = src - base;
    const offsets = kernel === 2 ? [0, 1] : [-1, 0, 1, 2];
    let w = kernel === 2 ? [1 - t, t] : cubicWeights(t, m.cubicA);
    if (m.excludeOutside) {
      w = w.map((wk, k) => (base + (offsets[k] as number) < 0 || base + (offsets[k] as number) >= inLen ? 0 : wk));
      const sum = w.reduce((a, b) => a + b, 0);
      w = w.map((wk) => (sum === 0 ? 0 : wk / sum));
    }
    offsets.forEach((o, k) => {
      (indices[k] as number[])[x] = clampIndex(base + o);
      (weights[k] as number[])[x] = w[k] as number;
    });
  }
  return { indices, weights, outside };
}

/** A 1-D vector laid along `axis` of a rank-`rank` tensor, for broadcasting. */
function along(values: number[], axis: number, rank: number): tf.Tensor {
  return tf.reshape(tf.tensor1d(values, "float32"), Array.from({ length: rank }, (_, i) => (i === axis ? values.length : 1)));
}

interface Request {
  readonly scales?: readonly number[];
  readonly sizes?: readonly number[];
  readonly roi?: readonly number[];
  readonly axes?: readonly number[];
  readonly keepAspect?: string;
}

interface Plan {
  readonly axes: number[];
  readonly scale: number[];
  readonly outShape: number[];
  readonly resized: number[];
}

/** Output shape, per-axis scale and unfloored output length for an input of ONNX shape `shape`. */
function planResize(shape: readonly number[], req: Request, m: ResizeMode, ctx: OpContext): Plan {
  if (!["nearest", "linear", "cubic"].includes(m.mode)) throw unsupportedFeature(ctx, `mode "${m.mode}"`);
  const rank = shape.length;
  const x = { shape };
  const axes = (req.axes ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, rank, ctx));
  const scale = x.shape.map(() => 1);
  const outShape = [...x.shape];
  const resized = x.shape.map(Number);
  const given = req.sizes ?? req.scales;
  if (given === undefined) throw shapeError(ctx, "needs scales or sizes");
  if (given.length !== axes.length) throw shapeError(ctx, `${req.sizes ? "sizes" : "scales"} has ${given.length} values for ${axes.length} axes`);
  if (req.sizes !== undefined) {
    const ratios = axes.map((a, k) => (req.sizes?.[k] as number) / (x.shape[a] as number));
    const policy = req.keepAspect ?? "stretch";
    if (policy !== "stretch" && policy !== "not_larger" && policy !== "not_smaller") throw unsupportedFeature(ctx, `keep_aspect_ratio_policy "${policy}"`);
    const common = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a, k) => {
      const r = policy === "stretch" ? (ratios[k] as number) : common;
      scale[a] = r;
      outShape[a] = policy === "stretch" ? (req.sizes?.[k] as number) : Math.round(r * (x.shape[a] as number));
      resized[a] = outShape[a] as number;
    });
  } else {
    axes.forEach((a, k) => {
      scale[a] = req.scales?.[k] as number;
      const roiSpan = m.coordinate === "tf_crop_and_resize" ? roiOf(req.roi, axes.length, k)[1] - roiOf(req.roi, axes.length, k)[0] : 1;
      resized[a] = (x.shape[a] as number) * roiSpan * (scale[a] as number);
      outShape[a] = Math.floor(resized[a] as number);
    });
  }
  if (scale.some((s) => !(s > 0))) throw shapeError(ctx, `scales must be positive, got [${scale.join(", ")}]`);
  return { axes, scale, outShape, resized };
}

/** Whether `axis` changes at all (the general path skips the others). */
function resizes(x: readonly number[], p: Plan, axis: number, m: ResizeMode): boolean {
  return !(p.outShape[axis] === x[axis] && p.scale[axis] === 1 && m.coordinate !== "tf_crop_and_resize");
}

/** x arrives channels-last when rank ≥ 3 (ctx.layout); the result goes back in the same layout. */
function resize(x: tf.Tensor, req: Request, m: ResizeMode, ctx: OpContext): tf.Tensor {
  if (ctx.layout !== "channelsLast" || x.rank < 3) return resizeOnnx(x, req, m, ctx);
  const rank = x.rank;
  if (rank === 4 && x.dtype === "float32" && m.coordinate !== "tf_crop_and_resize") {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const shape = [n, c, h, w];
    const p = planResize(shape, req, m, ctx);
    if (!resizes(shape, p, 0, m) && !resizes(shape, p, 1, m)) {
      const k = (axis: number) => p.axes.indexOf(axis);
      const taps = (axis: number) =>
        resizes(shape, p, axis, m)
          ? axisTaps({ inLen: shape[axis]!, outLen: p.outShape[axis]!, resized: p.resized[axis]! }, p.scale[axis]!, roiOf(req.roi, p.axes.length, k(axis)), m, ctx)
          : undefined;
      const native = nativeResize(m.mode, [p.outShape[2]!, p.outShape[3]!], shape, taps(2), taps(3));
      if (native !== undefined) return withReferenceGradient(x, native, (t) => viaOnnx(t, req, m, ctx));
    }
  }
  return viaOnnx(x, req, m, ctx);
}

/** The general path for a channels-last input. */
function viaOnnx(x: tf.Tensor, req: Request, m: ResizeMode, ctx: OpContext): tf.Tensor {
  return tf.tidy(() => tf.transpose(resizeOnnx(tf.transpose(x, onnxPerm(x.rank)), req, m, ctx), channelsLastPerm(x.rank)));
}

/** The general path, on an ONNX-layout input. */
function resizeOnnx(x: tf.Tensor, req: Request, m: ResizeMode, ctx: OpContext): tf.Tensor {
  const rank = x.rank;
  const { axes, scale, outShape, resized } = planResize(x.shape, req, m, ctx);
  const needsFloat = m.mode !== "nearest" && x.dtype !== "float32";
  return tf.tidy(() => {
    let out = needsFloat ? tf.cast(x, "float32") : x;
    let inside: tf.Tensor | undefined;
    axes.forEach((axis, k) => {
      const inLen = x.shape[axis] as number;
      const outLen = outShape[axis] as number;
      const s = scale[axis] as number;
      if (outLen === inLen && s === 1 && m.coordinate !== "tf_crop_and_resize") return;
      const taps = axisTaps({ inLen, outLen, resized: resized[axis] as number }, s, roiOf(req.roi, axes.length, k), m, ctx);
      const picked = taps.indices.map((idx) => tf.gather(out, tf.tensor1d(idx, "int32"), axis));
      out =
        m.mode === "nearest"
          ? (picked[0] as tf.Tensor)
          : tf.addN(picked.map((p, j) => tf.mul(p, along(taps.weights[j] as number[], axis, rank))));
      if (taps.outside.some(Boolean)) {
        const mask = along(taps.outside.map((o) => (o ? 0 : 1)), axis, rank);
        inside = inside === undefined ? mask : tf.mul(inside, mask);
      }
    });
    if (inside !== undefined) {
      const keep = tf.cast(inside, out.dtype);
      out = tf.add(tf.mul(out, keep), tf.mul(tf.sub(tf.onesLike(keep), keep), tf.scalar(m.extrapolation, out.dtype)));
    }
    if (needsFloat) out = tf.cast(tf.round(out), x.dtype);
    return out === x ? tf.clone(x) : out;
  });
}

/** ROI start/end for the k-th resized axis (ONNX lists all starts, then all ends). */
function roiOf(roi: readonly number[] | undefined, n: number, k: number): [number, number] {
  if (roi === undefined || roi.length < 2 * n) return [0, 1];
  return [roi[k] as number, roi[k + n] as number];
}

/** Upsample and Resize-10: asymmetric coordinates and floor for nearest, as their reference does. */
function legacyMode(mode: string): ResizeMode {
  return { mode: mode === "bilinear" ? "linear" : mode, coordinate: "asymmetric", nearest: "floor", cubicA: -0.75, excludeOutside: false, extrapolation: 0 };
}

/** Empty inputs mean "not given" from opset 13 on. */
function nonEmpty(values: number[] | undefined): number[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values;
}

const upsample7 = implement(Upsample[7], {
  layout: "channelsLast",
  run: (inputs, attrs, ctx) => [resize(required(inputs, 0, ctx, "X"), { scales: attrs.scales }, legacyMode(attrs.mode), ctx)],
});

/** Scales from input 1 (Upsample-9, Resize-10). */
const scalesInput = {
  layout: "channelsLast",
  run: (inputs: readonly (tf.Tensor | undefined)[], attrs: { readonly mode: string }, ctx: OpContext) =>
    [resize(required(inputs, 0, ctx, "X"), { scales: floatsOf(inputs, 1, ctx) }, legacyMode(attrs.mode), ctx)],
} as const;
const upsample9 = implement(Upsample[9], scalesInput);
const resize10 = implement(Resize[10], scalesInput);

function resize11(inputs: readonly (tf.Tensor | undefined)[], attrs: Resize11Attrs, ctx: OpContext): tf.Tensor[] {
  if ((attrs.antialias ?? 0) !== 0) throw unsupportedFeature(ctx, "antialias=1");
  const mode: ResizeMode = {
    mode: attrs.mode,
    coordinate: attrs.coordinate_transformation_mode,
    nearest: attrs.nearest_mode,
    cubicA: attrs.cubic_coeff_a,
    excludeOutside: attrs.exclude_outside === 1,
    extrapolation: attrs.extrapolation_value,
  };
  const sizes = nonEmpty(intsOf(inputs, 3, ctx));
  const scales = sizes === undefined ? nonEmpty(floatsOf(inputs, 2, ctx)) : undefined;
  const request: Request = {
    roi: nonEmpty(floatsOf(inputs, 1, ctx)),
    scales,
    sizes,
    axes: attrs.axes,
    keepAspect: attrs.keep_aspect_ratio_policy,
  };
  return [resize(required(inputs, 0, ctx, "X"), request, mode, ctx)];
}

const resize11Entry = implement(Resize[11], { layout: "channelsLast", run: resize11 });
const resize18Entry = implement(Resize[18], { layout: "channelsLast", run: resize11 });

export const RESIZE_OPS: readonly OpEntry[] = [upsample7, upsample9, resize10, resize11Entry, resize18Entry];
