// Pooling, global pooling, ZeroPadding2D, Cropping2D, UpSampling2D.
import { channelsFirst, channelsLast, isChannelsLast, spatialList } from "./layout.js";
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

function pool(op: "MaxPool" | "AveragePool"): (c: LayerContext) => LayerResult {
  return (c) => {
    const rank = c.ranks[0]!;
    const n = rank - 2;
    const last = isChannelsLast(c);
    const kernel = spatialList(c, "pool_size", n, 2);
    const strides = c.config.strides === null || c.config.strides === undefined ? kernel : spatialList(c, "strides", n, 1);
    const pad = c.str("padding", "valid");
    if (pad !== "same" && pad !== "valid") c.fail(`padding "${pad}"`);
    const x = last ? channelsFirst(c, c.inputs[0]!, rank) : c.inputs[0]!;
    // Keras's "same" average excludes the padding, as ONNX's default count_include_pad = 0.
    const y = c.onnx(op, [x], { kernel_shape: kernel, strides, auto_pad: pad === "same" ? "SAME_UPPER" : "VALID" }, "pool")[0]!;
    return { output: last ? channelsLast(c, y, rank) : y, rank };
  };
}

function globalPool(op: "ReduceMean" | "ReduceMax"): (c: LayerContext) => LayerResult {
  return (c) => {
    const rank = c.ranks[0]!;
    const last = isChannelsLast(c);
    const axes = last ? Array.from({ length: rank - 2 }, (_, i) => i + 1) : Array.from({ length: rank - 2 }, (_, i) => i + 2);
    const keep = c.bool("keepdims", false);
    return { output: c.onnx(op, [c.inputs[0]!], { axes, keepdims: keep ? 1 : 0 })[0]!, rank: keep ? rank : 2 };
  };
}

/** Keras's ((top, bottom), (left, right)) in any of its spellings. */
function pairs(c: LayerContext, key: string): [number, number][] {
  const v = c.config[key];
  if (typeof v === "number") return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2) return v.map((p) => (typeof p === "number" ? [p, p] : Array.isArray(p) && p.length === 2 ? [Number(p[0]), Number(p[1])] : c.fail(`${key} ${JSON.stringify(v)}`))) as [number, number][];
  return c.fail(`${key} must be a number or two pairs, got ${JSON.stringify(v)}`);
}

function zeroPad(c: LayerContext): LayerResult {
  const [[t, b], [l, r]] = pairs(c, "padding");
  const pads = isChannelsLast(c) ? [0, t, l, 0, 0, b, r, 0] : [0, 0, t, l, 0, 0, b, r];
  return { output: c.onnx("Pad", [c.inputs[0]!, c.int64(pads, "pads")])[0]!, rank: 4 };
}

function crop(c: LayerContext): LayerResult {
  const [[t, b], [l, r]] = pairs(c, "cropping");
  const big = 2 ** 62;
  const axes = isChannelsLast(c) ? [1, 2] : [2, 3];
  // Negative ends count from the end; 0 means "to the end".
  return { output: c.onnx("Slice", [c.inputs[0]!, c.int64([t, l], "starts"), c.int64([b === 0 ? big : -b, r === 0 ? big : -r], "ends"), c.int64(axes, "axes")])[0]!, rank: 4 };
}

function upsample(c: LayerContext): LayerResult {
  const [sh, sw] = spatialList(c, "size", 2, 2);
  const interpolation = c.str("interpolation", "nearest");
  if (interpolation !== "nearest" && interpolation !== "bilinear") c.fail(`interpolation "${interpolation}"`);
  const last = isChannelsLast(c);
  const x = last ? channelsFirst(c, c.inputs[0]!, 4) : c.inputs[0]!;
  const scales = c.initializer({ dtype: "float32", dims: [4], data: Float32Array.from([1, 1, sh!, sw!]) }, "scales");
  // tfjs-layers resizes with TF's default coordinates: asymmetric (and floor for nearest).
  const attrs = interpolation === "nearest" ? { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" } : { mode: "linear", coordinate_transformation_mode: "asymmetric" };
  const y = c.onnx("Resize", [x, "", scales], attrs, "resize")[0]!;
  return { output: last ? channelsLast(c, y, 4) : y, rank: 4 };
}

export const POOL_LAYERS: readonly LayerEntry[] = [
  { classNames: ["MaxPooling1D", "MaxPooling2D", "MaxPool1D", "MaxPool2D"], convert: pool("MaxPool") },
  { classNames: ["AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D"], convert: pool("AveragePool") },
  { classNames: ["GlobalAveragePooling1D", "GlobalAveragePooling2D"], convert: globalPool("ReduceMean") },
  { classNames: ["GlobalMaxPooling1D", "GlobalMaxPooling2D"], convert: globalPool("ReduceMax") },
  { classNames: ["ZeroPadding2D"], convert: zeroPad },
  { classNames: ["Cropping2D"], convert: crop },
  { classNames: ["UpSampling2D"], convert: upsample },
];
