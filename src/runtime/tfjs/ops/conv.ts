// Conv (1-D/2-D, groups incl. depthwise, dilations, pads, auto_pad) and
// ConvTranspose. Activations arrive channels-last; filters are converted once
// at compile time (inputLayouts) to tfjs's layouts:
//   Conv            OIHW → HWIO, or (Cin, m, H, W) → HW·Cin·m when depthwise
//   ConvTranspose   (Cin, Cout/g, H, W) → HW·(Cout/g)·Cin
// 1-D filters are widened to a height of 1 and run as 2-D.
import { tf } from "../tf.js";
import { shapeError, unsupportedFeature } from "./args.js";
import { as2d, geometry, samePads, tfPad } from "./spatial.js";
import { tiledConvTranspose } from "./conv-transpose-tiles.js";
import { sliceRows } from "./slice-rows.js";
import { compactorConv2d } from "../kernels/conv2d.js";
import { depthwise3x3 } from "../kernels/depthwise.js";
import { pointwiseConv2d } from "../kernels/pointwise.js";
import { winogradConv2d } from "../kernels/winograd.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import { Conv, ConvTranspose } from "../../../graph/ops/conv.js";
import { implement, type InputLayout, type OpContext, type OpEntry } from "./types.js";

type ConvAttrs = AttrValues<(typeof Conv)[1]["attributes"]>;
type ConvTransposeAttrs = AttrValues<(typeof ConvTranspose)[1]["attributes"]>;

function to4d(w: tf.Tensor): tf.Tensor {
  return w.rank === 3 ? tf.reshape(w, [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!]) : w;
}

function isDepthwise(attrs: ConvAttrs, onnxDims: readonly number[]): boolean {
  return attrs.group > 1 && onnxDims[1] === 1;
}

export const convFilterLayout: InputLayout<ConvAttrs> = {
  toBackend(w, attrs) {
    if (w.rank !== 3 && w.rank !== 4) return w; // run() reports the unsupported rank
    const w4 = to4d(w);
    const [o, , kh, kw] = w4.shape as [number, number, number, number];
    if (isDepthwise(attrs, w.shape)) {
      const group = attrs.group;
      return tf.transpose(tf.reshape(w4, [group, o / group, kh, kw]), [2, 3, 0, 1]);
    }
    return tf.transpose(w4, [2, 3, 1, 0]);
  },
  toOnnx(w, attrs, onnxDims) {
    if (onnxDims.length !== 3 && onnxDims.length !== 4) return w;
    const back = isDepthwise(attrs, onnxDims) ? tf.transpose(w, [2, 3, 0, 1]) : tf.transpose(w, [3, 2, 0, 1]);
    return tf.reshape(back, [...onnxDims]);
  },
};

function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor | undefined, attrs: ConvAttrs, spatialRank: number, ctx: OpContext): tf.Tensor4D {
  const group = attrs.group;
  const cin = x.shape[3];
  const depthwise = group > 1 && cin === group;
  const kernel: [number, number] = [w.shape[0], w.shape[1]];
  const declared = attrs.kernel_shape;
  if (declared && declared.join() !== (spatialRank === 1 ? [kernel[1]] : kernel).join()) {
    throw shapeError(ctx, `kernel_shape [${declared.join(", ")}] does not match the weights' spatial dims`);
  }
  const g = geometry(attrs, spatialRank, [x.shape[1], x.shape[2]], kernel, ctx);
  // tfjs differentiates no dilated conv (its Conv2D, depthwise and fused
  // gradients all assert dilation 1, and its cpu backprop kernels ignore
  // dilations), nor stride and dilation together: a dilated conv runs as the
  // undilated one whose taps are spread apart by zeros, the same function,
  // differentiable on every backend (d² more multiply-adds in that layer).
  // (The depthwise branch spreads its own filter, only when it must.)
  const spread = depthwise ? w : dilateFilter(w, g.dilations);
  const strides = g.strides;
  const pad = tfPad(g.pads);
  // Set by the compiler when a following Relu / Clip(0, 6) is fused (see ../fusion.ts).
  const activation: "linear" | "relu" | "relu6" = ctx.fusedActivation ?? "linear";
  // Our conv (../kernels/conv2d.ts) differentiates its fused activation; tfjs's
  // fused convs do not differentiate relu6, so while training they run linear
  // and the activation follows as its own op.
  const inKernel = ctx.training ? "linear" : activation;
  const common = { strides, pad, dilations: [1, 1] as [number, number], dataFormat: "NHWC" as const, activation: inKernel };
  let y: tf.Tensor4D;
  // Inference on wasm: undilated 3×3 depthwise convs through our kernel (../kernels/depthwise.ts).
  const own = depthwise && g.dilations.every((d) => d === 1) ? depthwise3x3(x, w, b, strides, g.pads, activation) : undefined;
  if (own) {
    return own;
  } else if (depthwise) {
    // tfjs's fused depthwise conv takes no explicit pads, only "same" or one
    // width for all four sides (output rounded down, as ONNX): use those when
    // the pads are exactly that, else pad the input (a copy: 7% of
    // MobileNetV2's time before these shortcuts).
    const same = samePads([x.shape[1], x.shape[2]], kernel, strides, g.dilations).every((p, i) => p === g.pads[i]);
    const even = g.pads.every((p) => p === g.pads[0]);
    const padded = pad === "valid" || same || even ? x : tf.pad(x, pad);
    const dwPad = pad === "valid" ? "valid" : same ? "same" : even ? g.pads[0] : "valid";
    // Only the gradient refuses dilations: inference hands them to the kernel
    // (XNNPACK) instead of running the zero-spread filter's d² more taps.
    const dilated = g.dilations.some((d) => d !== 1);
    const native = !dilated || (tf.engine().state.gradientDepth === 0 && strides.every((s) => s === 1));
    const taps = native ? { filter: w, dilations: g.dilations } : { filter: dilateFilter(w, g.dilations) };
    y = tf.fused.depthwiseConv2d({ ...common, ...taps, x: padded, bias: b, pad: dwPad, ...(typeof dwPad === "number" ? { dimRoundingMode: "floor" as const } : {}) });
  } else if (group === 1) {
    if (w.shape[2] !== cin) throw shapeError(ctx, `input has ${cin} channels but the weights expect ${w.shape[2]}`);
    // On wasm our own kernels (../kernels/): Winograd for 3×3 stride-1 and the
    // matrix kernel for 1×1 convs in inference; im2col for the rest, and for
    // every conv while training.
    const fast =
      winogradConv2d(x, spread, b, g.pads, strides, g.dilations, activation) ??
      pointwiseConv2d(x, spread, b, g.pads, strides, activation) ??
      (ctx.training || useIm2colForInference(spread, strides) ? compactorConv2d(x, spread, b, strides, g.pads, activation) : undefined);
    if (fast) return fast;
    y = tf.fused.conv2d({ x, filter: spread, bias: b, ...common });
  } else {
    if (cin % group !== 0 || w.shape[2] * group !== cin) throw shapeError(ctx, `${cin} input channels do not split into ${group} groups of ${w.shape[2]}`);
    const xs = tf.split(x, group, 3);
    const ws = tf.split(spread, group, 3);
    y = tf.concat(xs.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ws[i] as tf.Tensor4D, strides, pad, "NHWC")), 3) as tf.Tensor4D;
    if (b) y = tf.add(y, b);
    return activate(y, activation);
  }
  return inKernel === activation ? y : activate(y, activation);
}

function activate(y: tf.Tensor4D, activation: "linear" | "relu" | "relu6"): tf.Tensor4D {
  return activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.relu6(y) : y;
}

/**
 * In inference, convs Winograd and the 1×1 kernel do not take go to our
 * im2col kernel where it beat tfjs's (XNNPACK): strided and large-kernel ones.
 */
function useIm2colForInference(w: tf.Tensor4D, strides: readonly [number, number]): boolean {
  return strides.some((s) => s > 1) || w.shape[0] >= 5 || w.shape[1] >= 5;
}

function runConv([x, w, b]: readonly (tf.Tensor | undefined)[], attrs: ConvAttrs, ctx: OpContext): tf.Tensor[] {
  const spatialRank = x!.rank - 2;
  const { x4, squeeze } = as2d(x!, ctx);
  return [squeeze(conv2d(x4, w as tf.Tensor4D, b, attrs, spatialRank, ctx))];
}

export const conv = implement(Conv[1], {
  layout: "channelsLast",
  inputLayouts: { 1: convFilterLayout },
  run: runConv,
});

export const convTransposeFilterLayout: InputLayout = {
  toBackend: (w) => (w.rank === 3 || w.rank === 4 ? tf.transpose(to4d(w), [2, 3, 1, 0]) : w),
  toOnnx: (w, _attrs, onnxDims) => (onnxDims.length === 3 || onnxDims.length === 4 ? tf.reshape(tf.transpose(w, [3, 2, 0, 1]), [...onnxDims]) : w),
};

/** Head and tail padding per spatial dim for ConvTranspose (explicit, or from output_shape / auto_pad). */
function transposePads(attrs: ConvTransposeAttrs, spatialRank: number, inHW: [number, number], kernel: [number, number], strides: [number, number], outPad: [number, number], ctx: OpContext): [number, number][] {
  const autoPad = attrs.auto_pad;
  const outputShape = attrs.output_shape;
  const pads = attrs.pads;
  return [0, 1].map((i) => {
    const full = (inHW[i]! - 1) * strides[i]! + kernel[i]! + outPad[i]!;
    let target: number | undefined;
    if (outputShape) {
      const o = outputShape.length === spatialRank ? outputShape : outputShape.slice(-spatialRank);
      target = spatialRank === 1 ? (i === 0 ? 1 : o[0]!) : o[i]!;
    } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      target = inHW[i]! * strides[i]!;
    }
    if (target !== undefined) {
      // An output_shape beyond the full output extends the tail (a negative tail pad).
      if (target > full) return [0, full - target];
      const total = full - target;
      const half = Math.floor(total / 2);
      // As the ONNX spec and onnxruntime: SAME_UPPER puts the odd cell at the tail.
      return autoPad === "SAME_UPPER" ? [half, total - half] : [total - half, half];
    }
    if (autoPad === "VALID" || !pads || spatialRank === 1 && i === 0) return [0, 0];
    if (pads.length !== 2 * spatialRank) throw shapeError(ctx, `attribute pads has ${pads.length} values for ${spatialRank} spatial dims`);
    const j = spatialRank === 1 ? 0 : i;
    return [pads[j]!, pads[j + spatialRank]!];
  }) as [number, number][];
}

/** tfjs's conv2dTranspose has no dilations: spread the taps with zeros instead (differentiable). */
function dilateFilter(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  if (dh === 1 && dw === 1) return w;
  const [kh, kw, o, i] = w.shape;
  const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, o, i]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const full = tf.reshape(spread, [kh * dh, kw * dw, o, i]);
  return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, o, i]) as tf.Tensor4D;
}

function runConvTranspose([x, w, b]: readonly (tf.Tensor | undefined)[], attrs: ConvTransposeAttrs, ctx: OpContext): tf.Tensor[] {
  const spatialRank = x!.rank - 2;
  const { x4, squeeze } = as2d(x!, ctx);
  const group = attrs.group;
  const widen = (v: readonly number[] | undefined, fill: number): [number, number] => {
    const a = v ?? Array<number>(spatialRank).fill(fill);
    return spatialRank === 1 ? [fill === 0 ? 0 : 1, a[0]!] : [a[0]!, a[1]!];
  };
  const dilations = widen(attrs.dilations, 1);
  const strides = widen(attrs.strides, 1);
  const outPad = widen(attrs.output_padding, 0);
  const [n, h, wd, cin] = x4.shape;
  const filter = dilateFilter(w as tf.Tensor4D, dilations);
  const kernel: [number, number] = [filter.shape[0], filter.shape[1]];
  const coutPerGroup = filter.shape[2];
  if (filter.shape[3] !== cin || cin % group !== 0) throw shapeError(ctx, `input has ${cin} channels but the weights expect ${filter.shape[3]} in ${group} group(s)`);
  const full: [number, number, number, number] = [n, (h - 1) * strides[0] + kernel[0], (wd - 1) * strides[1] + kernel[1], coutPerGroup];
  const [ph, pw] = transposePads(attrs, spatialRank, [h, wd], kernel, strides, outPad, ctx);
  // Zero tails (output_padding, an output_shape past the full output) still get the bias: add it after them.
  const tails = outPad[0] || outPad[1] || ph![1] < 0 || pw![1] < 0;
  const tiled = group === 1 ? tiledConvTranspose(x4, filter, strides, tails ? undefined : b) : undefined;
  let y: tf.Tensor4D;
  if (tiled) {
    y = tiled;
  } else {
    const xs = group === 1 ? [x4] : tf.split(x4, group, 3);
    const fs = group === 1 ? [filter] : tf.split(filter, group, 3);
    y = tf.concat(xs.map((xi, i) => tf.conv2dTranspose(xi as tf.Tensor4D, fs[i] as tf.Tensor4D, full, strides, "valid")), 3) as tf.Tensor4D;
  }
  // output_padding extends the tail with positions no input reaches (bias only).
  if (outPad[0] || outPad[1]) y = tf.pad(y, [[0, 0], [0, outPad[0]], [0, outPad[1]], [0, 0]]);
  if (ph![1] < 0 || pw![1] < 0) {
    y = tf.pad(y, [[0, 0], [0, Math.max(0, -ph![1])], [0, Math.max(0, -pw![1])], [0, 0]]);
    ph![1] = Math.max(0, ph![1]);
    pw![1] = Math.max(0, pw![1]);
  }
  const size = [n, y.shape[1] - ph![0] - ph![1], y.shape[2] - pw![0] - pw![1], y.shape[3]];
  if (size[1]! <= 0 || size[2]! <= 0) throw shapeError(ctx, `pads leave an empty output (${size.join("×")})`);
  y = sliceRows(y, [0, ph![0], pw![0], 0], size) as tf.Tensor4D;
  if (b && !(tiled && !tails)) y = tf.add(y, b);
  return [squeeze(y)];
}

export const convTranspose = implement(ConvTranspose[1], {
  layout: "channelsLast",
  inputLayouts: { 1: convTransposeFilterLayout },
  run: runConvTranspose,
});

export const CONV_OPS: readonly OpEntry[] = [conv, convTranspose];
