// Softmax, batch normalization, resizes, depth-to-space and the ops with a
// direct ONNX counterpart (Einsum, Cumsum, TopKV2, OneHot).
import { attrBool, attrFloat, attrInt, attrString } from "../../tf-attrs.js";
import { toNchw, toNhwc } from "./layout.js";
import type { ImportContext, ImportOp } from "./types.js";

/** Inference batch norm on the channel axis (last in NHWC): x·s + t, with s and t folded when constant. */
function batchNorm(c: ImportContext) {
  if (attrBool(c.attrs, "is_training") === true) c.fail("training-mode FusedBatchNorm");
  const nchw = attrString(c.attrs, "data_format") === "NCHW";
  const eps = attrFloat(c.attrs, "epsilon") ?? 0.001;
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => c.constant(i));
  if (!gamma || !beta || !mean || !variance) c.fail("FusedBatchNorm's scale, offset, mean and variance must be constants");
  const g = gamma!.data as Float32Array;
  const scale = Array.from(g, (v, k) => v / Math.sqrt((variance!.data as Float32Array)[k]! + eps));
  const shift = Array.from(beta!.data as Float32Array, (b, k) => b - (mean!.data as Float32Array)[k]! * scale[k]!);
  const dims = nchw ? [g.length, 1, 1] : [g.length];
  const y = c.onnx("Mul", [c.input(0), c.floatConst(scale, "scale", dims)], {}, "scaled")[0]!;
  return { outputs: [c.onnx("Add", [y, c.floatConst(shift, "shift", dims)])[0]!] };
}

function resize(mode: "linear" | "nearest") {
  return (c: ImportContext) => {
    const size = c.ints(1);
    if (!size || size.length !== 2) c.fail("the output size must be a constant [height, width]");
    const align = attrBool(c.attrs, "align_corners") ?? false;
    const half = attrBool(c.attrs, "half_pixel_centers") ?? false;
    if (align && half) c.fail("align_corners and half_pixel_centers together");
    const coordinates = align ? "align_corners" : half ? "half_pixel" : "asymmetric";
    const nearest = align || half ? "round_prefer_ceil" : "floor";
    const x = toNchw(c, c.input(0));
    const shape = c.onnx("Shape", [x], {}, "shape")[0]!;
    const batchChannels = c.onnx("Slice", [shape, c.int64Const([0], "s0"), c.int64Const([2], "s1")], {}, "nc")[0]!;
    const sizes = c.onnx("Concat", [batchChannels, c.int64Const(size!, "hw")], { axis: 0 }, "sizes")[0]!;
    const y = c.onnx("Resize", [x, "", "", sizes], { mode, coordinate_transformation_mode: coordinates, ...(mode === "nearest" ? { nearest_mode: nearest } : {}) }, "resize")[0]!;
    return { outputs: c.onnx("Identity", [toNhwc(c, y, 4, "to_nhwc")]) };
  };
}

export const MISC_OPS: readonly ImportOp[] = [
  { tfOps: ["Softmax"], convert: (c) => ({ outputs: c.onnx("Softmax", [c.input(0)], { axis: -1 }) }) },
  { tfOps: ["LogSoftmax"], convert: (c) => ({ outputs: c.onnx("LogSoftmax", [c.input(0)], { axis: -1 }) }) },
  { tfOps: ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"], convert: batchNorm },
  { tfOps: ["ResizeBilinear"], convert: resize("linear") },
  { tfOps: ["ResizeNearestNeighbor"], convert: resize("nearest") },
  {
    tfOps: ["DepthToSpace"],
    convert: (c) => {
      const y = c.onnx("DepthToSpace", [toNchw(c, c.input(0))], { blocksize: attrInt(c.attrs, "block_size") ?? c.fail("block_size is missing"), mode: "DCR" }, "d2s")[0]!;
      return { outputs: c.onnx("Identity", [toNhwc(c, y, 4, "to_nhwc")]) };
    },
  },
  { tfOps: ["Einsum"], convert: (c) => ({ outputs: c.onnx("Einsum", Array.from({ length: c.inputCount }, (_, i) => c.input(i)), { equation: attrString(c.attrs, "equation") ?? c.fail("equation is missing") }) }) },
  { tfOps: ["Cumsum"], convert: (c) => ({ outputs: c.onnx("CumSum", [c.input(0), c.int64(1)], { exclusive: attrBool(c.attrs, "exclusive") ? 1 : 0, reverse: attrBool(c.attrs, "reverse") ? 1 : 0 }) }) },
  {
    tfOps: ["TopKV2"],
    convert: (c) => {
      const k = c.onnx("Reshape", [c.int64(1), c.int64Const([1], "k_shape")], {}, "k")[0]!;
      const [values, indices] = c.onnx("TopK", [c.input(0), k], { axis: -1, largest: 1, sorted: 1 }, "topk", 2);
      return { outputs: [c.onnx("Identity", [values!], {}, "values")[0]!, c.onnx("Cast", [indices!], { to: 6 }, "indices")[0]!], types: [c.type(0), "int32"] };
    },
  },
  {
    tfOps: ["OneHot"],
    convert: (c) => {
      const values = c.onnx("Concat", [c.onnx("Unsqueeze", [c.input(3), c.int64Const([0], "a0")], {}, "off")[0]!, c.onnx("Unsqueeze", [c.input(2), c.int64Const([0], "a1")], {}, "on")[0]!], { axis: 0 }, "values")[0]!;
      return { outputs: c.onnx("OneHot", [c.input(0), c.int64(1), values], { axis: attrInt(c.attrs, "axis") ?? -1 }), types: [c.type(2)] };
    },
  },
];
