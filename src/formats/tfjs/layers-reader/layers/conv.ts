// Conv1D/Conv2D, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose:
// channels-last inputs transposed around ONNX's Conv, Keras kernels
// ([kh, kw, in, out]) rearranged once to ONNX's [out, in, kh, kw].
import { makeTensor } from "../../../../graph/tensor.js";
import type { Tensor } from "../../../../graph/types.js";
import { permuted } from "../../tensor-util.js";
import { activation } from "./activations.js";
import { channelsFirst, channelsLast, isChannelsLast, spatialList } from "./layout.js";
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

function padding(c: LayerContext): Record<string, unknown> {
  const p = c.str("padding", "valid");
  if (p === "same") return { auto_pad: "SAME_UPPER" };
  if (p === "valid") return { auto_pad: "VALID" };
  return c.fail(`padding "${p}" (only same and valid are read)`);
}

/** [kh, kw, C, m] → [C·m, 1, kh, kw] for group = C. */
function depthwiseWeight(k: Tensor): Tensor {
  const [kh, kw, ch, m] = k.dims as [number, number, number, number];
  return makeTensor("float32", [ch * m, 1, kh, kw], permuted(k, [2, 3, 0, 1]).data as Float32Array);
}

function convolution(c: LayerContext, kind: "conv" | "depthwise" | "separable" | "transpose"): LayerResult {
  const rank = c.ranks[0]!;
  const spatialRank = rank - 2;
  if (spatialRank < 1 || spatialRank > 2 || (kind !== "conv" && spatialRank !== 2)) c.fail(`${spatialRank}-D input`);
  const last = isChannelsLast(c);
  const x = last ? channelsFirst(c, c.inputs[0]!, rank) : c.inputs[0]!;
  const strides = spatialList(c, "strides", spatialRank, 1);
  const dilations = spatialList(c, "dilation_rate", spatialRank, 1);
  const common = { strides, ...padding(c) };
  let y: string;
  if (kind === "conv") {
    const k = c.weight("kernel");
    const w = spatialRank === 1 ? permuted(k, [2, 1, 0]) : permuted(k, [3, 2, 0, 1]);
    y = c.onnx("Conv", [x, c.initializer(w, "kernel")], { ...common, dilations }, "conv")[0]!;
  } else if (kind === "transpose") {
    const k = c.weight("kernel"); // [kh, kw, out, in]
    y = c.onnx("ConvTranspose", [x, c.initializer(permuted(k, [3, 2, 0, 1]), "kernel")], { ...common, dilations }, "conv")[0]!;
  } else {
    const k = c.weight("depthwise_kernel");
    y = c.onnx("Conv", [x, c.initializer(depthwiseWeight(k), "depthwise_kernel")], { ...common, dilations, group: k.dims[2]! }, "depthwise")[0]!;
    if (kind === "separable") y = c.onnx("Conv", [y, c.initializer(permuted(c.weight("pointwise_kernel"), [3, 2, 0, 1]), "pointwise_kernel")], {}, "pointwise")[0]!;
  }
  if (c.bool("use_bias", true)) {
    const bias = c.weight("bias");
    y = c.onnx("Add", [y, c.initializer(makeTensor("float32", [bias.dims[0]!, ...new Array<number>(spatialRank).fill(1)], bias.data as Float32Array), "bias")], {}, "bias")[0]!;
  }
  if (last) y = channelsLast(c, y, rank, "to_channels_last");
  return { output: activation(c, y, c.str("activation", "linear")), rank };
}

export const CONV_LAYERS: readonly LayerEntry[] = [
  { classNames: ["Conv1D", "Conv2D"], convert: (c) => convolution(c, "conv") },
  { classNames: ["DepthwiseConv2D"], convert: (c) => convolution(c, "depthwise") },
  { classNames: ["SeparableConv2D"], convert: (c) => convolution(c, "separable") },
  { classNames: ["Conv2DTranspose"], convert: (c) => convolution(c, "transpose") },
];
