// ONNX nodes → Keras layers, one function per op family. Each returns the
// Keras value the node's output becomes, or fails naming what Keras (as
// tfjs-layers loads it) cannot express.
import { attrFloat, attrInt, attrInts, attrString } from "../../../graph/attributes.js";
import { makeTensor } from "../../../graph/tensor.js";
import type { Node, Tensor } from "../../../graph/types.js";
import { permuted } from "../tensor-util.js";
import type { KerasLayerSpec, KerasValue } from "./keras-graph.js";

export interface WriterContext {
  readonly node: Node;
  /** Keras value of a data input; undefined for constants. */
  value(i: number): KerasValue | undefined;
  constant(i: number): Tensor | undefined;
  /** Static dims of input i (batch may be symbolic). */
  dims(i: number): readonly (number | string | null)[] | undefined;
  /** Adds a layer reading `inbound` and returns its output value (layout as given). */
  layer(className: string, config: Record<string, unknown>, inbound: readonly KerasValue[], weights?: KerasLayerSpec["weights"], out?: Partial<KerasValue>, suffix?: string): KerasValue;
  /** Keras (N, C) values from global pools, reshaped to (N, 1, 1, C) where a 4-D value is needed. */
  spatial(v: KerasValue): KerasValue;
  /** The value in ONNX's element order: an H·W·C-ordered Flatten permuted back to C·H·W. */
  canonical(v: KerasValue): KerasValue;
  fail(reason: string): never;
}

export type LayerWriter = (c: WriterContext) => KerasValue;

const f32 = (t: Tensor) => (t.dtype === "float32" ? (t as Tensor<"float32">) : undefined);

function data(c: WriterContext): KerasValue {
  const v = c.value(0);
  if (!v) c.fail("its input is a constant; a Keras model starts from its inputs");
  return v!;
}

function keepLayout(v: KerasValue, rank = v.rank): Partial<KerasValue> {
  // Elementwise layers keep an H·W·C-ordered Flatten's order, so the Dense after them can still absorb it.
  return { rank, channelsLast: v.channelsLast, ...(v.pooled ? { pooled: true } : {}), ...(v.flattenedFrom ? { flattenedFrom: v.flattenedFrom } : {}) };
}

/** ONNX pads/auto_pad as Keras "same"/"valid", with a ZeroPadding2D first for explicit pads. */
function padded(c: WriterContext, x: KerasValue, kernel: readonly number[], strides: readonly number[], allowZeroPad: boolean, sameIsExact = true): { input: KerasValue; padding: "same" | "valid" } {
  const auto = attrString(c.node, "auto_pad", "NOTSET");
  if (auto === "SAME_UPPER") return { input: x, padding: "same" };
  if (auto === "VALID") return { input: x, padding: "valid" };
  if (auto === "SAME_LOWER") c.fail("auto_pad SAME_LOWER has no Keras padding");
  const pads = attrInts(c.node, "pads", [0, 0, 0, 0]);
  if (pads.every((p) => p === 0)) return { input: x, padding: "valid" };
  const dims = c.dims(0);
  const [h, w] = [dims?.[2], dims?.[3]];
  // Pads that equal TF's SAME for the known size: no padding layer needed (unless the op must
  // count the padding, which TF's SAME average pool leaves out).
  if (sameIsExact && typeof h === "number" && typeof w === "number") {
    const same = [h, w].every((s, i) => {
      const total = Math.max(0, (Math.ceil(s / strides[i]!) - 1) * strides[i]! + kernel[i]! - s);
      return pads[i] === Math.floor(total / 2) && pads[i + 2] === total - Math.floor(total / 2);
    });
    if (same) return { input: x, padding: "same" };
  }
  if (!allowZeroPad) c.fail(`pads [${pads.join(", ")}] are not Keras "same", and zero padding would change this pool (a max pool of values that may be negative, or an average that excludes the padding)`);
  const input = c.layer("ZeroPadding2D", { padding: [[pads[0], pads[2]], [pads[1], pads[3]]], data_format: "channels_last" }, [x], [], { ...keepLayout(x), nonNegative: x.nonNegative }, "pad");
  return { input, padding: "valid" };
}

export const conv: LayerWriter = (c) => {
  const x = c.spatial(data(c));
  if (x.rank !== 4) c.fail("only 2-D convolutions become Keras layers here");
  const w = f32(c.constant(1) ?? c.fail("the filter must be a constant"));
  const [o, i, kh, kw] = w!.dims as [number, number, number, number];
  const group = attrInt(c.node, "group", 1);
  const strides = [...attrInts(c.node, "strides", [1, 1])];
  const dilations = [...attrInts(c.node, "dilations", [1, 1])];
  const { input, padding } = padded(c, x, [kh, kw], strides, true);
  const bias = c.node.inputs[2] ? f32(c.constant(2) ?? c.fail("the bias must be a constant")) : undefined;
  const common = { strides, padding, data_format: "channels_last", dilation_rate: dilations, activation: "linear", use_bias: bias !== undefined };
  const biasWeight = bias ? [{ suffix: "bias", tensor: bias }] : [];
  if (group === 1) {
    return c.layer("Conv2D", { filters: o, kernel_size: [kh, kw], ...common }, [input], [{ suffix: "kernel", tensor: permuted(w!, [2, 3, 1, 0]) }, ...biasWeight], { rank: 4, channelsLast: true });
  }
  if (i === 1 && o % group === 0) {
    const m = o / group;
    const k = permuted(makeTensor("float32", [group, m, kh, kw], w!.data as Float32Array), [2, 3, 0, 1]);
    return c.layer("DepthwiseConv2D", { kernel_size: [kh, kw], depth_multiplier: m, ...common }, [input], [{ suffix: "depthwise_kernel", tensor: k }, ...biasWeight], { rank: 4, channelsLast: true });
  }
  return c.fail(`group = ${group} is neither 1 nor depthwise; tfjs-layers has no grouped Conv2D`);
};

export const pool = (className: "MaxPooling2D" | "AveragePooling2D"): LayerWriter => (c) => {
  const x = c.spatial(data(c));
  if (attrInt(c.node, "ceil_mode", 0) === 1) c.fail("ceil_mode has no Keras pooling");
  const kernel = [...attrInts(c.node, "kernel_shape")];
  const strides = [...attrInts(c.node, "strides", [1, 1])];
  const includePad = attrInt(c.node, "count_include_pad", 0) === 1;
  // Zero padding is exact for an average that counts the padding, and for a max over values that are never negative.
  const average = className === "AveragePooling2D";
  const { input, padding } = padded(c, x, kernel, strides, average ? includePad : x.nonNegative === true, !(average && includePad));
  return c.layer(className, { pool_size: kernel, strides, padding, data_format: "channels_last" }, [input], [], { rank: 4, channelsLast: true, nonNegative: className === "MaxPooling2D" && x.nonNegative });
};

export const globalPool = (className: "GlobalAveragePooling2D" | "GlobalMaxPooling2D"): LayerWriter => (c) => {
  const x = c.spatial(data(c));
  return c.layer(className, { data_format: "channels_last" }, [x], [], { rank: 4, channelsLast: false, pooled: true });
};

export const batchNorm: LayerWriter = (c) => {
  // Per-feature statistics are indexed in ONNX's order.
  const x = c.canonical(data(c));
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => f32(c.constant(i) ?? c.fail("BatchNormalization's parameters must be constants"))!);
  // The channel axis: last in Keras for 4-D values, axis 1 (= last) for 2-D ones.
  if (x.rank !== 4 && x.rank !== 2) c.fail(`BatchNormalization on a rank-${x.rank} value`);
  const weights = [{ suffix: "gamma", tensor: gamma! }, { suffix: "beta", tensor: beta! }, { suffix: "moving_mean", tensor: mean! }, { suffix: "moving_variance", tensor: variance! }];
  return c.layer("BatchNormalization", { axis: -1, epsilon: attrFloat(c.node, "epsilon", 1e-5), momentum: 0.99, center: true, scale: true }, [x], weights, keepLayout(x));
};

const NON_NEGATIVE = new Set(["relu", "sigmoid", "softplus"]);

export const activation = (name: string): LayerWriter => (c) => {
  const x = data(c);
  return c.layer("Activation", { activation: name }, [x], [], { ...keepLayout(x), nonNegative: NON_NEGATIVE.has(name) });
};

export const softmax: LayerWriter = (c) => {
  const x = data(c);
  const axis = attrInt(c.node, "axis", -1);
  const channelAxis = x.channelsLast ? 1 : x.rank - 1;
  if ((axis < 0 ? axis + x.rank : axis) !== (x.channelsLast ? channelAxis : x.rank - 1)) c.fail("softmax over an axis other than the channels/last one");
  return c.layer("Softmax", { axis: -1 }, [x], [], { ...keepLayout(x), nonNegative: true });
};

export const clip: LayerWriter = (c) => {
  const x = data(c);
  const lo = c.constant(1)?.data[0] ?? attrFloat(c.node, "min", -Infinity);
  const hi = c.constant(2)?.data[0] ?? attrFloat(c.node, "max", Infinity);
  if (Number(lo) !== 0) c.fail("Clip with a lower bound other than 0 has no Keras layer");
  return c.layer("ReLU", { max_value: Number(hi) === Infinity ? null : Number(hi), negative_slope: 0, threshold: 0 }, [x], [], { ...keepLayout(x), nonNegative: true });
};

export const leakyRelu: LayerWriter = (c) => {
  const x = data(c);
  return c.layer("LeakyReLU", { alpha: attrFloat(c.node, "alpha", 0.01) }, [x], [], keepLayout(x));
};

export const elu: LayerWriter = (c) => {
  const x = data(c);
  return c.layer("ELU", { alpha: attrFloat(c.node, "alpha", 1) }, [x], [], keepLayout(x));
};

/** Gemm (and MatMul + bias): a Dense, its kernel rows reordered when it reads an H·W·C-ordered Flatten. */
export function dense(c: WriterContext, weight: Tensor, transposed: boolean, bias: Tensor | undefined): KerasValue {
  const x = data(c);
  let kernel = transposed ? permuted(weight, [1, 0]) : (weight as Tensor<"float32">); // [in, out]
  if (x.flattenedFrom) {
    // ONNX flattened C·H·W; Keras flattened H·W·C: move row (c, h, w) to position (h, w, c).
    const [ch, h, w] = x.flattenedFrom;
    const units = kernel.dims[1]!;
    const src = kernel.data as Float32Array;
    const out = new Float32Array(src.length);
    for (let ci = 0; ci < ch; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++) {
      const from = (ci * h + hi) * w + wi;
      const to = (hi * w + wi) * ch + ci;
      out.set(src.subarray(from * units, (from + 1) * units), to * units);
    }
    kernel = makeTensor("float32", kernel.dims, out);
  }
  const weights = [{ suffix: "kernel", tensor: kernel as Tensor<"float32"> }, ...(bias ? [{ suffix: "bias", tensor: bias as Tensor<"float32"> }] : [])];
  return c.layer("Dense", { units: kernel.dims[1], activation: "linear", use_bias: bias !== undefined }, [x], weights, { rank: 2, channelsLast: false });
}

export const gemm: LayerWriter = (c) => {
  if (attrFloat(c.node, "alpha", 1) !== 1 || attrFloat(c.node, "beta", 1) !== 1 || attrInt(c.node, "transA", 0) !== 0) c.fail("Gemm with alpha, beta or transA is not a Dense");
  const w = c.constant(1) ?? c.fail("the weight must be a constant");
  const bias = c.node.inputs[2] ? c.constant(2) ?? c.fail("the bias must be a constant") : undefined;
  if (bias && bias.dims.length !== 1) c.fail("a bias that is not a vector");
  return dense(c, w, attrInt(c.node, "transB", 0) === 1, bias);
};

export const flatten: LayerWriter = (c) => {
  const x = data(c);
  if (attrInt(c.node, "axis", 1) !== 1) c.fail("Flatten with axis other than 1");
  if (x.pooled) return { ...x, rank: 2, pooled: false, channelsLast: false };
  const dims = c.dims(0);
  const flattenedFrom = x.channelsLast && x.rank === 4 && dims && dims.slice(1).every((d) => typeof d === "number") && (dims[2] !== 1 || dims[3] !== 1) ? ([dims[1], dims[2], dims[3]] as [number, number, number]) : undefined;
  if (x.channelsLast && x.rank === 4 && !flattenedFrom && !(dims?.[2] === 1 && dims?.[3] === 1)) c.fail("Flatten of an image whose size is unknown");
  return c.layer("Flatten", { data_format: "channels_last" }, [x], [], { rank: 2, channelsLast: false, ...(flattenedFrom ? { flattenedFrom } : {}) });
}

export const merge = (className: string): LayerWriter => (c) => {
  const inputs = c.node.inputs.map((_, i) => c.value(i) ?? c.fail(`input ${i} is a constant; Keras merges layers' outputs only`));
  const four = inputs.some((v) => v.rank === 4 && !v.pooled);
  // Flattened values in the same H·W·C order merge as they are; mixed orders are put back in ONNX's first.
  const order = JSON.stringify(inputs[0]!.flattenedFrom);
  const sameOrder = inputs.every((v) => JSON.stringify(v.flattenedFrom) === order);
  const values = four ? inputs.map((v) => c.spatial(v)) : sameOrder ? inputs : inputs.map((v) => c.canonical(v));
  const flattenedFrom = sameOrder ? values[0]!.flattenedFrom : undefined;
  return c.layer(className, {}, values, [], { rank: values[0]!.rank, channelsLast: values.some((v) => v.channelsLast), ...(flattenedFrom ? { flattenedFrom } : {}) });
};

export const concat: LayerWriter = (c) => {
  const inputs = c.node.inputs.map((_, i) => c.canonical(c.value(i) ?? c.fail("a constant input")));
  const rank = inputs[0]!.rank;
  const axis = attrInt(c.node, "axis");
  const a = axis < 0 ? axis + rank : axis;
  const channelsLast = inputs.every((v) => v.channelsLast);
  if (!(a === 1 && (rank === 2 || channelsLast)) && !(a === rank - 1 && !channelsLast)) c.fail(`Concat along axis ${axis} of a rank-${rank} value`);
  return c.layer("Concatenate", { axis: -1 }, inputs, [], { rank, channelsLast });
};
