// DepthwiseConv2dNativeBackpropInput for the wasm backend, which does not ship
// one (so no depthwise conv, i.e. no MobileNet-style block, could train there).
// The input gradient of a convolution is a convolution of dy, spread out by the
// forward stride (zeros between rows and columns), with the filter rotated by
// 180°, at the forward dilation:
//   dx[n,h,w,c] = Σ_{q,kh,kw} dyUp[n, h+pt−kh·d, w+pl−kw·d, c·m+q] · W[kh,kw,c,q]
// Each of the C·m dy channels meets exactly one filter column, so it is wasm's
// (XNNPACK) depthwise conv with multiplier 1 over C·m channels; a channel
// multiplier m > 1 then sums each channel's m results.
import { tf } from "../tf.js";
import { callKernel, free, type KernelBackend } from "./kernel-call.js";

const BACKEND = "wasm";

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

interface Attrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: Pad;
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/** dy with (stride − 1) zeros after every row and column: [n, oh·sh, ow·sw, ch]. */
function spreadByStride(kb: KernelBackend, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [n, oh, ow, ch] = dy.shape as [number, number, number, number];
  const six = callKernel("Reshape", BACKEND, kb, { x: dy }, { shape: [n, oh, 1, ow, 1, ch] });
  const paddings = [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]];
  const padded = callKernel("PadV2", BACKEND, kb, { x: six }, { paddings, constantValue: 0 } as unknown as tf.NamedAttrMap);
  const out = callKernel("Reshape", BACKEND, kb, { x: padded }, { shape: [n, oh * sh, ow * sw, ch] });
  free(kb, six, padded);
  return out;
}

function depthwiseConv2dBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const kb = backend as KernelBackend;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as Attrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [n, h, w, c] = inputShape;
  const [fh, fw, , m] = filter.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;

  const spread = sh > 1 || sw > 1 ? spreadByStride(kb, dy, sh, sw) : dy;
  // Rows of the spread dy that line up with input row 0 under the rotated
  // filter start (effective kernel − 1 − pad top) rows before it. Pads below
  // zero (a forward pad wider than the kernel) become a crop.
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = h + info.padInfo.top - spread.shape[1]!;
  const right = w + info.padInfo.left - spread.shape[2]!;
  let source = spread;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
    const size = [n, spread.shape[1]! - begin[1]! - Math.max(0, -bottom), spread.shape[2]! - begin[2]! - Math.max(0, -right), c * m];
    source = callKernel("Slice", BACKEND, kb, { x: spread }, { begin, size });
  }

  const rotated = callKernel("Reverse", BACKEND, kb, { x: filter }, { dims: [0, 1] });
  const columns = callKernel("Reshape", BACKEND, kb, { x: rotated }, { shape: [fh, fw, c * m, 1] });
  const perChannel = callKernel("DepthwiseConv2dNative", BACKEND, kb, { x: source, filter: columns }, {
    strides: [1, 1],
    dilations: [info.dilationHeight, info.dilationWidth],
    pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
    dataFormat: "NHWC",
  } as unknown as tf.NamedAttrMap);
  free(kb, rotated, columns);
  if (source !== spread) free(kb, source);
  if (spread !== dy) free(kb, spread);
  if (m === 1) return perChannel;

  const split = callKernel("Reshape", BACKEND, kb, { x: perChannel }, { shape: [n, h, w, c, m] });
  const out = callKernel("Sum", BACKEND, kb, { x: split }, { axis: [4], keepDims: false });
  free(kb, perChannel, split);
  return out;
}

export const depthwiseConv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: BACKEND,
  kernelFunc: depthwiseConv2dBackpropInput as tf.KernelFunc,
};
