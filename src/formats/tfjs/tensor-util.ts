// Constant weights rearranged at export time (no run-time transposes for
// them): ONNX's OIHW filters to TF's HWIO, depthwise filters to HWC·multiplier.
import { makeTensor, numElements } from "../../graph/tensor.js";
import type { Tensor } from "../../graph/types.js";

/** `t` (float32) with axes permuted: out.dims[i] = t.dims[perm[i]]. */
export function permuted(t: Tensor, perm: readonly number[]): Tensor<"float32"> {
  const src = t.data as Float32Array;
  const dims = perm.map((p) => t.dims[p]!);
  const inStrides = t.dims.map((_, i) => numElements(t.dims.slice(i + 1)));
  const out = new Float32Array(src.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let from = 0;
    for (let d = 0; d < dims.length; d++) from += index[d]! * inStrides[perm[d]!]!;
    out[k] = src[from]!;
    for (let d = dims.length - 1; d >= 0 && ++index[d]! === dims[d]; d--) index[d] = 0;
  }
  return makeTensor("float32", dims, out);
}

export function reshapedTensor(t: Tensor, dims: readonly number[]): Tensor {
  return makeTensor(t.dtype, dims, t.data as never);
}
