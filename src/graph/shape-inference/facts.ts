// Facts about constant tensors: dtype, dims and, for small numeric tensors,
// their elements (so shape-like constants can be folded).
import { toNumbers, numElements } from "../tensor.js";
import type { Dim, Tensor } from "../types.js";
import type { ValueFacts } from "./types.js";

/** Integer tensors up to this size keep their elements: shape targets, indices, axes. */
export const MAX_FOLDED_INTEGERS = 4096;
/** Float tensors keep elements only when tiny: Resize scales, scalar constants. */
export const MAX_FOLDED_FLOATS = 64;

export function tensorFacts(t: Tensor): ValueFacts {
  const n = numElements(t.dims);
  const isFloat = t.dtype.startsWith("float") || t.dtype === "bfloat16";
  const small = n <= (isFloat ? MAX_FOLDED_FLOATS : MAX_FOLDED_INTEGERS);
  // float16/bfloat16 hold raw bit patterns, not numbers; strings are not shape-like.
  const readable = t.dtype !== "string" && t.dtype !== "float16" && t.dtype !== "bfloat16";
  return { dtype: t.dtype, shape: t.dims, value: small && readable && t.data.length === n ? toNumbers(t) : undefined };
}

/** Elements worth keeping as a folded value: known count, not too many. */
export function foldable(count: Dim): count is number {
  return typeof count === "number" && count <= MAX_FOLDED_INTEGERS;
}
