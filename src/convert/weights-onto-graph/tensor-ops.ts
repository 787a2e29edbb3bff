// The few tensor transforms that turn PyTorch parameters into what its ONNX
// exporter stores: transposes (Linear weights under MatMul), gate reordering
// (LSTM/GRU), stacking directions, and BatchNorm folded into a convolution.
import { ShapeError } from "../../core/errors.js";
import { makeTensor, numElements } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";

export const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function floats(t: Tensor, what: string): Float32Array {
  if (t.dtype !== "float32") throw new ShapeError(`${what} is ${t.dtype}; weights are mapped as float32 (convert the checkpoint with .float() first)`);
  return t.data as Float32Array;
}

/** [a, b] → [b, a]. */
export function transpose2d(t: Tensor): Tensor {
  const [a, b] = t.dims as [number, number];
  const src = floats(t, "a weight");
  const out = new Float32Array(a * b);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[j * a + i] = src[i * b + j]!;
  return makeTensor("float32", [b, a], out);
}

/** Splits axis 0 into `order.length` equal chunks and puts them in `order` (chunk indices of the source). */
export function reorderChunks(t: Tensor, order: readonly number[]): Tensor {
  const src = floats(t, "a recurrent weight");
  const chunk = src.length / order.length;
  const out = new Float32Array(src.length);
  order.forEach((from, to) => out.set(src.subarray(from * chunk, (from + 1) * chunk), to * chunk));
  return makeTensor("float32", t.dims, out);
}

/** Concatenates along a new or existing leading axis: dims = [parts…] + `rest`. */
export function stack(parts: readonly Tensor[], dims: readonly number[]): Tensor {
  const out = new Float32Array(numElements(dims));
  let at = 0;
  for (const p of parts) {
    const d = floats(p, "a weight");
    out.set(d, at);
    at += d.length;
  }
  if (at !== out.length) throw new ShapeError(`stacked ${at} values into a tensor of dims [${dims.join(", ")}]`);
  return makeTensor("float32", dims, out);
}

export function reshaped(t: Tensor, dims: readonly number[]): Tensor {
  return makeTensor(t.dtype, dims, t.data as never);
}

export interface BatchNormParams {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly mean: Tensor;
  readonly variance: Tensor;
  readonly epsilon: number;
}

/**
 * Conv followed by BatchNorm as one conv (what torch.onnx.export does in eval
 * mode): W' = W·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β.
 * `channelAxis` is 0 for Conv (O, I/g, …) and 1 for ConvTranspose (I, O/g, …).
 */
export function foldBatchNorm(weight: Tensor, bias: Tensor | undefined, bn: BatchNormParams, channelAxis = 0): { weight: Tensor; bias: Tensor } {
  const w = floats(weight, "the conv weight");
  const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.mean, bn.variance].map((t) => floats(t, "a BatchNorm parameter"));
  const channels = weight.dims[channelAxis]!;
  const scale = Float64Array.from({ length: channels }, (_, c) => gamma![c]! / Math.sqrt(variance![c]! + bn.epsilon));
  const inner = numElements(weight.dims.slice(channelAxis + 1));
  const outer = numElements(weight.dims.slice(0, channelAxis));
  const folded = new Float32Array(w.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      for (let k = 0; k < inner; k++) folded[base + k] = w[base + k]! * scale[c]!;
    }
  }
  const b = bias ? floats(bias, "the conv bias") : undefined;
  const foldedBias = Float32Array.from({ length: channels }, (_, c) => ((b?.[c] ?? 0) - mean![c]!) * scale[c]! + beta![c]!);
  return { weight: makeTensor("float32", weight.dims, folded), bias: makeTensor("float32", [channels], foldedBias) };
}
