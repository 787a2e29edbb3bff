// Conv and ConvTranspose. TF.js convolves channels-last: the input is
// transposed to NHWC, the filter rearranged once at export (OIHW → HWIO;
// depthwise → HW·C·multiplier), the bias added with BiasAdd, and the result
// transposed back. Grouped convolutions that are neither plain nor depthwise
// are split per group. 1-D convolutions run as 2-D ones of height 1.
import { attrInt, attrInts, attrString } from "../../../../graph/attributes.js";
import type { Tensor } from "../../../../graph/types.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, concatVectors, dimOf, staticDims } from "./helpers.js";
import { channelsFirst, channelsLast, transpose } from "./layout.js";
import { permuted, reshapedTensor } from "../../tensor-util.js";
import type { ExportContext, ExportOp } from "./types.js";

export interface Padding {
  readonly padding: "VALID" | "SAME" | "EXPLICIT";
  /** [top, bottom, left, right] for EXPLICIT. */
  readonly explicit?: readonly number[];
}

/** ONNX auto_pad/pads for a 2-D window as TF padding. */
export function windowPadding(c: ExportContext, kernel: readonly number[], strides: readonly number[], dilations: readonly number[]): Padding {
  const autoPad = attrString(c.node, "auto_pad", "NOTSET");
  if (autoPad === "VALID") return { padding: "VALID" };
  if (autoPad === "SAME_UPPER") return { padding: "SAME" };
  let pads = [...attrInts(c.node, "pads", [0, 0, 0, 0])];
  if (autoPad === "SAME_LOWER") {
    const dims = staticDims(c, 0, "auto_pad SAME_LOWER").slice(2);
    pads = [0, 0, 0, 0];
    dims.forEach((size, i) => {
      const total = Math.max(0, (Math.ceil(size / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size);
      pads[i] = Math.ceil(total / 2);
      pads[i + 2] = Math.floor(total / 2);
    });
  }
  if (pads.every((p) => p === 0)) return { padding: "VALID" };
  return { padding: "EXPLICIT", explicit: [pads[0]!, pads[2]!, pads[1]!, pads[3]!] };
}

export function paddingAttrs(p: Padding) {
  return {
    padding: TF_ATTR.s(p.padding),
    ...(p.explicit ? { explicit_paddings: TF_ATTR.ints([0, 0, ...p.explicit, 0, 0]) } : {}),
  };
}

/** The filter input as TF wants it: a constant rearranged now, or a Transpose at run time. */
function filter(c: ExportContext, depthwise: boolean, channels: number): string {
  const w = c.constant(1);
  if (w && w.dtype === "float32") {
    const [o, i, kh, kw] = w.dims as [number, number, number, number];
    const tf: Tensor = depthwise ? permuted(reshapedTensor(w, [channels, o / channels, kh, kw]), [2, 3, 0, 1]) : permuted(w, [2, 3, 1, 0]);
    return c.b.constant(c.part("filter"), "float32", tf.dims, tf.data as Float32Array);
  }
  if (depthwise) c.fail("a depthwise convolution's filter must be a constant");
  return transpose(c, c.input(1), [2, 3, 1, 0], "filter");
}

function conv(c: ExportContext): string[] {
  const rank = c.rank(0);
  if (rank !== 3 && rank !== 4) c.fail(`${rank - 2}-D convolution has no TF.js graph-model mapping here (1-D and 2-D do)`);
  const wDims = c.shape(1);
  if (!wDims || !wDims.every((d) => typeof d === "number")) c.fail("the filter's shape must be known");
  const oneD = rank === 3;
  const lift = (v: readonly number[], fill: number) => (oneD ? [fill, ...v] : [...v]);
  const kernel = lift((wDims as number[]).slice(2), 1);
  const strides = lift(attrInts(c.node, "strides", oneD ? [1] : [1, 1]), 1);
  const dilations = lift(attrInts(c.node, "dilations", oneD ? [1] : [1, 1]), 1);
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) c.fail("TF.js convolutions take strides > 1 or dilations > 1, not both");
  const group = attrInt(c.node, "group", 1);
  const channels = (wDims as number[])[1]! * group;
  const outChannels = (wDims as number[])[0]!;
  let x = c.input(0);
  if (oneD) x = c.b.op("ExpandDims", [x, c.b.int(c.part("axis"), 2)], {}, c.part("as_2d"));
  let padding: Padding;
  if (oneD) {
    const pads = attrInts(c.node, "pads", [0, 0]);
    const autoPad = attrString(c.node, "auto_pad", "NOTSET");
    padding = autoPad === "SAME_UPPER" ? { padding: "SAME" } : autoPad === "VALID" || pads.every((p) => p === 0) ? { padding: "VALID" } : { padding: "EXPLICIT", explicit: [0, 0, pads[0]!, pads[1]!] };
    if (autoPad === "SAME_LOWER") c.fail("auto_pad SAME_LOWER on a 1-D convolution");
  } else padding = windowPadding(c, kernel, strides, dilations);
  const attrs = { ...T("float32"), strides: TF_ATTR.ints([1, ...strides, 1]), dilations: TF_ATTR.ints([1, ...dilations, 1]), data_format: TF_ATTR.s("NHWC"), ...paddingAttrs(padding) };
  const nhwc = channelsLast(c, x, 4);
  const depthwise = group > 1 && group === channels;
  let y: string;
  if (group === 1 || depthwise) {
    // ONNX's 1-D filter [O, I, k] gains the height axis too.
    if (oneD && c.constant(1) === undefined) c.fail("a 1-D convolution's filter must be a constant");
    const w = c.constant(1);
    const f = oneD ? c.b.constant(c.part("filter"), "float32", [1, kernel[1]!, ...(depthwise ? [channels, outChannels / channels] : [channels, outChannels])], (depthwise ? permuted(reshapedTensor(w!, [channels, outChannels / channels, kernel[1]!]), [2, 0, 1]) : permuted(w!, [2, 1, 0])).data as Float32Array) : filter(c, depthwise, channels);
    y = c.b.op(depthwise ? "DepthwiseConv2dNative" : "Conv2D", [nhwc, f], attrs, c.part("conv"));
  } else {
    // Grouped: one convolution per group on its slice of channels, concatenated.
    const w = c.constant(1);
    if (!w || oneD) c.fail("grouped 2-D convolutions need a constant filter");
    const per = outChannels / group;
    const inputs = c.b.op("Split", [c.b.int(c.part("split_axis"), 3), nhwc], { num_split: TF_ATTR.i(group), ...T("float32") }, c.part("groups"));
    const parts: string[] = [];
    for (let g = 0; g < group; g++) {
      const slice = new Float32Array((w!.data as Float32Array).subarray(g * per * w!.dims.slice(1).reduce((a, b) => a * b, 1), (g + 1) * per * w!.dims.slice(1).reduce((a, b) => a * b, 1)));
      const wg = permuted({ dtype: "float32", dims: [per, ...w!.dims.slice(1)], data: slice }, [2, 3, 1, 0]);
      const fg = c.b.constant(c.part(`filter_${g}`), "float32", wg.dims, wg.data as Float32Array);
      parts.push(c.b.op("Conv2D", [g === 0 ? inputs : `${inputs}:${g}`, fg], attrs, c.part(`conv_${g}`)));
    }
    y = c.b.op("ConcatV2", [...parts, c.b.int(c.part("concat_axis"), 3)], { N: TF_ATTR.i(group), ...T("float32") }, c.part("conv"));
  }
  if (c.has(2)) y = c.b.op("BiasAdd", [y, c.input(2)], { ...T("float32"), data_format: TF_ATTR.s("NHWC") }, c.part("bias"));
  const nchw = channelsFirst(c, y, 4);
  return [oneD ? c.b.op("Squeeze", [nchw], { axis: TF_ATTR.ints([2]) }, c.node.name) : c.b.op("Identity", [nchw], T("float32"), c.node.name)];
}

/**
 * ConvTranspose as TF's Conv2DBackpropInput with VALID padding at the full
 * size (input−1)·stride + kernel + output_padding, then ONNX's pads cropped off.
 */
function convTranspose(c: ExportContext): string[] {
  if (c.rank(0) !== 4) c.fail("only 2-D transposed convolutions are exported");
  if (attrInt(c.node, "group", 1) !== 1) c.fail("grouped transposed convolutions have no TF.js op");
  const w = c.constant(1);
  if (!w || w.dtype !== "float32") c.fail("the filter must be a constant");
  const [, cout, kh, kw] = w!.dims as [number, number, number, number];
  const strides = attrInts(c.node, "strides", [1, 1]);
  if (attrInts(c.node, "dilations", [1, 1]).some((d) => d !== 1)) c.fail("dilated transposed convolutions have no TF.js op");
  if (attrString(c.node, "auto_pad", "NOTSET") !== "NOTSET" || c.node.attributes.output_shape) c.fail("auto_pad/output_shape on ConvTranspose: give explicit pads instead");
  const pads = attrInts(c.node, "pads", [0, 0, 0, 0]);
  const extra = attrInts(c.node, "output_padding", [0, 0]);
  const [h, wd] = c.shape(0)?.slice(2) ?? [];
  if (typeof h !== "number" || typeof wd !== "number") c.fail("ConvTranspose's output size needs the input's height and width");
  const full = [(h - 1) * strides[0]! + kh + extra[0]!, (wd - 1) * strides[1]! + kw + extra[1]!];
  const f = permuted(w!, [2, 3, 1, 0]); // [kh, kw, Cout, Cin]
  const filterRef = c.b.constant(c.part("filter"), "float32", f.dims, f.data as Float32Array);
  const nhwc = channelsLast(c, c.input(0), 4);
  const outShape = concatVectors(c, [dimOf(c, nhwc, 0, "batch"), c.b.ints(c.part("size"), [full[0]!, full[1]!, cout])], "output_shape");
  let y = c.b.op("Conv2DBackpropInput", [outShape, filterRef, nhwc], { ...T("float32"), strides: TF_ATTR.ints([1, ...strides, 1]), padding: TF_ATTR.s("VALID"), data_format: TF_ATTR.s("NHWC"), dilations: TF_ATTR.ints([1, 1, 1, 1]) }, c.part("conv"));
  if (pads.some((p) => p !== 0)) {
    const begin = [0, pads[0]!, pads[1]!, 0];
    const end = [0, full[0]! - pads[2]!, full[1]! - pads[3]!, 0];
    y = c.b.op("StridedSlice", [y, c.b.ints(c.part("crop_begin"), begin), c.b.ints(c.part("crop_end"), end), c.b.ints(c.part("crop_strides"), [1, 1, 1, 1])], { begin_mask: TF_ATTR.i(9), end_mask: TF_ATTR.i(9), ...T("float32") }, c.part("crop"));
  }
  if (c.has(2)) y = c.b.op("BiasAdd", [y, c.input(2)], { ...T("float32"), data_format: TF_ATTR.s("NHWC") }, c.part("bias"));
  return [c.b.op("Identity", [channelsFirst(c, y, 4)], T("float32"), c.node.name)];
}

export const CONV_OPS: readonly ExportOp[] = [
  { opType: "Conv", since: 1, convert: conv },
  { opType: "ConvTranspose", since: 1, convert: convTranspose },
];
