// Convolutions: TF's NHWC input is transposed to NCHW around an ONNX Conv,
// the HWIO filter rearranged once to OIHW (depthwise HW·C·multiplier to
// [C·multiplier, 1, h, w] with group = C), padding SAME/VALID/EXPLICIT carried
// over; the fused variants add their bias and activation.
import { makeTensor } from "../../../../graph/tensor.js";
import type { Tensor } from "../../../../graph/types.js";
import { attrInts, attrString, attrStrings } from "../../tf-attrs.js";
import { permuted } from "../../tensor-util.js";
import { activate } from "./activation.js";
import { spatial, toNchw, toNhwc } from "./layout.js";
import type { ImportContext, ImportOp } from "./types.js";

export function paddingAttrs(c: ImportContext, nchw: boolean): Record<string, unknown> {
  const padding = attrString(c.attrs, "padding") ?? "VALID";
  if (padding === "SAME") return { auto_pad: "SAME_UPPER" };
  if (padding === "VALID") return { auto_pad: "VALID" };
  if (padding === "EXPLICIT") {
    const e = attrInts(c.attrs, "explicit_paddings") ?? [];
    const [t, b, l, r] = nchw ? [e[4], e[5], e[6], e[7]] : [e[2], e[3], e[4], e[5]];
    return { pads: [t ?? 0, l ?? 0, b ?? 0, r ?? 0] };
  }
  return c.fail(`padding "${padding}" is not SAME, VALID or EXPLICIT`);
}

function filterOf(c: ImportContext, depthwise: boolean): { name: string; group: number } {
  const f = c.constant(1);
  if (!f || f.dtype !== "float32" || f.dims.length !== 4) c.fail("the filter must be a 4-D float32 constant");
  const [kh, kw, cin, cout] = f!.dims as [number, number, number, number];
  let w: Tensor;
  if (depthwise) {
    // [kh, kw, C, m] → [C, m, kh, kw] → [C·m, 1, kh, kw]
    const t = permuted(f!, [2, 3, 0, 1]);
    w = makeTensor("float32", [cin * cout, 1, kh, kw], t.data as Float32Array);
  } else w = permuted(f!, [3, 2, 0, 1]);
  return { name: c.b.initializer(c.part("weight"), w), group: depthwise ? cin : 1 };
}

function conv(c: ImportContext, depthwise: boolean, fused: boolean): string[] {
  const nchw = attrString(c.attrs, "data_format") === "NCHW";
  const { name: w, group } = filterOf(c, depthwise);
  const x = nchw ? c.input(0) : toNchw(c, c.input(0));
  let y = c.onnx("Conv", [x, w], { strides: spatial(attrInts(c.attrs, "strides"), nchw), dilations: spatial(attrInts(c.attrs, "dilations"), nchw), group, ...paddingAttrs(c, nchw) }, "conv")[0]!;
  if (!nchw) y = toNhwc(c, y, 4, "to_nhwc");
  if (fused) {
    let next = 2;
    for (const op of attrStrings(c.attrs, "fused_ops") ?? []) {
      if (op === "BiasAdd") y = c.onnx("Add", [y, c.input(next++)], {}, "bias")[0]!;
      else if (op === "FusedBatchNorm") c.fail("fused BatchNorm in a convolution is refused by TF.js too");
      else y = activate(c, y, op, op === "Prelu" ? c.input(next++) : undefined);
    }
  }
  return c.onnx("Identity", [y]);
}

/** TF's transposed conv: output size given; VALID adds the rows no input reaches (output_padding), SAME centres as TF. */
function convBackpropInput(c: ImportContext): string[] {
  const sizes = c.ints(0);
  const f = c.constant(1);
  if (!f || f.dims.length !== 4) c.fail("the filter must be a 4-D constant");
  const w = c.b.initializer(c.part("weight"), permuted(f!, [3, 2, 0, 1])); // [kh, kw, out, in] → [in, out, kh, kw]
  const strides = spatial(attrInts(c.attrs, "strides"), false);
  const padding = attrString(c.attrs, "padding") ?? "VALID";
  const x = toNchw(c, c.input(2));
  let y: string;
  if (padding === "SAME") {
    if (!sizes) c.fail("SAME padding needs input_sizes as a constant");
    y = c.onnx("ConvTranspose", [x, w], { strides, output_shape: [sizes![1]!, sizes![2]!], auto_pad: "SAME_UPPER" }, "conv")[0]!;
  } else {
    const full = c.onnx("ConvTranspose", [x, w], { strides }, "conv")[0]!;
    // Rows and columns beyond (in − 1)·stride + kernel receive nothing: zeros. The wanted size may be computed at run time.
    const want = sizes ? c.int64Const([sizes[1]!, sizes[2]!], "want") : c.onnx("Slice", [c.int64(0), c.int64Const([1], "w0"), c.int64Const([3], "w1")], {}, "want")[0]!;
    const shape = c.onnx("Shape", [full], {}, "full_shape")[0]!;
    const have = c.onnx("Slice", [shape, c.int64Const([2], "s0"), c.int64Const([4], "s1")], {}, "full_size")[0]!;
    const extra = c.onnx("Sub", [want, have], {}, "extra")[0]!;
    const pads = c.onnx("Concat", [c.int64Const([0, 0, 0, 0, 0, 0], "zero_pads"), extra], { axis: 0 }, "pads")[0]!;
    y = c.onnx("Pad", [full, pads], {}, "pad")[0]!;
  }
  return c.onnx("Identity", [toNhwc(c, y, 4, "to_nhwc")]);
}

export const CONV_OPS: readonly ImportOp[] = [
  { tfOps: ["Conv2D"], convert: (c) => ({ outputs: conv(c, false, false) }) },
  { tfOps: ["_FusedConv2D"], convert: (c) => ({ outputs: conv(c, false, true) }) },
  { tfOps: ["DepthwiseConv2dNative", "DepthwiseConv2d"], convert: (c) => ({ outputs: conv(c, true, false) }) },
  { tfOps: ["FusedDepthwiseConv2dNative"], convert: (c) => ({ outputs: conv(c, true, true) }) },
  { tfOps: ["Conv2DBackpropInput"], convert: (c) => ({ outputs: convBackpropInput(c) }) },
];
