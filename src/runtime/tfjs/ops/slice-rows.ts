// tf.slice with the fewest, longest rows. tfjs wasm's Slice copies in JS, one
// TypedArray.set per run along the last axis: cutting channels 8..15 of an
// NCHW (8, 16, 8, 8) tensor is 512 copies of 8 floats (~200 µs, measured),
// though each batch item's slice is one contiguous run of 512. Dims kept
// whole are merged into their neighbours first (a reshape, which copies
// nothing), so that slice is 8 copies. A slice that keeps everything is the
// input itself (reshaped to a new handle; wasm's Identity would copy).
import { tf } from "../tf.js";

/** tf.slice(x, begin, size), the same values and gradient, on merged dims. */
export function sliceRows(x: tf.Tensor, begin: readonly number[], size: readonly number[]): tf.Tensor {
  const shape = x.shape;
  if (size.every((s, i) => s === shape[i])) return tf.reshape(x, shape);
  if (size.some((s) => s === 0)) return tf.slice(x, [...begin], [...size]);
  // Groups of dims, inner to outer: a dim joins the group inside it while that group is kept whole.
  const dims: number[] = [];
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const whole = dims.length > 0 && starts[0] === 0 && sizes[0] === dims[0];
    if (whole) {
      // Outer index b·inner + inner start: the merged run starts at begin[i]·inner.
      const inner = dims[0]!;
      dims[0] = shape[i]! * inner;
      starts[0] = begin[i]! * inner;
      sizes[0] = size[i]! * inner;
    } else {
      dims.unshift(shape[i]!);
      starts.unshift(begin[i]!);
      sizes.unshift(size[i]!);
    }
  }
  if (dims.length === shape.length) return tf.slice(x, [...begin], [...size]);
  return tf.reshape(tf.slice(tf.reshape(x, dims), starts, sizes), [...size]);
}
