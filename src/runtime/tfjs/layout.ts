// The layout pass. ONNX activations are NCHW; tfjs's fast kernels (conv, pool,
// batch norm on wasm and WebGPU) want NHWC. Every value in a running graph
// carries the layout it is held in, and each op declares a LayoutPolicy:
//
//   channelsLast  input 0 is handed over as (N, spatial…, C); spatial output 0
//                 comes back channels-last (Conv, pools, BatchNormalization).
//   elementwise   layout-agnostic (Relu, Add, Mul…): if a full-rank input is
//                 already channels-last, the others are brought to it (a
//                 broadcast operand like a (C,1,1) bias is padded to full rank
//                 and permuted, which moves no data) and the output stays
//                 channels-last.
//   onnx          anything else (Reshape, Flatten, Concat, MatMul…) gets ONNX
//                 layout: a channels-last input is transposed back here.
//
// So a Conv→BN→Relu→Conv→Add chain runs with no transposes at all; transposes
// sit only at boundaries with "onnx" ops, and each value is converted at most
// once per call (cached on the value). Decisions use the tensors' actual ranks
// at run time, so unknown shapes and dynamic batch sizes need no special case.
// Rank < 3 values are always "onnx": their channel axis is already last.
// Weights are converted once at compile time instead (see InputLayout).
// At inference on wasm the transposes run kernels/transpose.ts's kernel.
import { tf } from "./tf.js";
import { transposeChannels } from "./kernels/transpose.js";

export type Layout = "onnx" | "channelsLast";

/** A value in a running graph: the tensor, its layout, the other layout once computed. */
export interface Held {
  readonly t: tf.Tensor;
  readonly layout: Layout;
  converted?: tf.Tensor;
}

/** (N, C, d1…dk) → (N, d1…dk, C). */
export function channelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** (N, d1…dk, C) → (N, C, d1…dk). */
export function onnxPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

export function held(t: tf.Tensor, layout: Layout): Held {
  return { t, layout: t.rank >= 3 ? layout : "onnx" };
}

export function asOnnx(v: Held): tf.Tensor {
  if (v.layout === "onnx") return v.t;
  v.converted ??= transposeChannels(v.t, false) ?? tf.transpose(v.t, onnxPerm(v.t.rank));
  return v.converted;
}

export function asChannelsLast(v: Held): tf.Tensor {
  if (v.layout === "channelsLast" || v.t.rank < 3) return v.t;
  v.converted ??= transposeChannels(v.t, true) ?? tf.transpose(v.t, channelsLastPerm(v.t.rank));
  return v.converted;
}

/** A broadcast operand of lower rank, padded to `rank` with leading 1s and permuted to channels-last. */
function broadcastChannelsLast(t: tf.Tensor, rank: number): tf.Tensor {
  if (t.size === 1) return t;
  const padded = t.rank === rank ? t : tf.reshape(t, [...Array<number>(rank - t.rank).fill(1), ...t.shape]);
  return tf.transpose(padded, channelsLastPerm(rank));
}

/** Brings an elementwise op's inputs to one layout; returns them and the output layout. */
export function alignElementwise(values: readonly (Held | undefined)[]): { inputs: (tf.Tensor | undefined)[]; layout: Layout } {
  const rank = Math.max(0, ...values.map((v) => v?.t.rank ?? 0));
  const channelsLast = rank >= 3 && values.some((v) => v?.layout === "channelsLast" && v.t.rank === rank);
  if (!channelsLast) return { inputs: values.map((v) => (v ? asOnnx(v) : undefined)), layout: "onnx" };
  const inputs = values.map((v) => {
    if (!v) return undefined;
    if (v.t.rank === rank) return asChannelsLast(v);
    return broadcastChannelsLast(asOnnx(v), rank);
  });
  return { inputs, layout: "channelsLast" };
}
