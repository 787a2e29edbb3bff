// ConvTranspose whose stride equals its kernel (the usual 2×2 stride-2
// upsampler) as one matrix product. Each input pixel then writes its own
// kh×kw tile of the output and no two tiles overlap, so
//   y[n, i·kh + a, j·kw + b, o] = Σc x[n, i, j, c] · w[a, b, o, c]
// is (N·H·W, Cin) × (Cin, kh·kw·Cout) followed by one transpose that puts the
// tiles in place. tfjs wasm's Conv2DBackpropInput is a plain loop, not
// XNNPACK: it was 33% of mobile_block's tfjs time at batch 8 (measured), the
// product and transpose a fraction of that. Inference only (gradientDepth 0),
// so training keeps tfjs's conv2dTranspose and its gradient as they were.
import { tf } from "../tf.js";

/**
 * The full (uncropped) transposed convolution of x (N, H, W, Cin) by a filter
 * in tfjs layout (kh, kw, Cout, Cin) with strides equal to (kh, kw), bias
 * added; undefined where this path does not apply (training, overlapping taps).
 */
export function tiledConvTranspose(x: tf.Tensor4D, filter: tf.Tensor4D, strides: readonly [number, number], bias: tf.Tensor | undefined): tf.Tensor4D | undefined {
  const [kh, kw, cout, cin] = filter.shape;
  if (tf.engine().state.gradientDepth > 0 || strides[0] !== kh || strides[1] !== kw || x.shape[3] !== cin) return undefined;
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== cout)) return undefined;
  const [n, h, w] = x.shape;
  // (kh, kw, Cout, Cin) → (Cin, kh·kw·Cout): per call, but the filter is small (Cin·Cout·kh·kw).
  const weights = tf.reshape(tf.transpose(filter, [3, 0, 1, 2]), [cin, kh * kw * cout]) as tf.Tensor2D;
  const rows = tf.reshape(x, [n * h * w, cin]) as tf.Tensor2D;
  // The bias repeats once per tap, so the product adds it in the same pass.
  const tiledBias = bias === undefined ? undefined : tf.tile(bias, [kh * kw]);
  const product = tf.fused.matMul({ a: rows, b: weights, bias: tiledBias });
  const tiles = tf.transpose(tf.reshape(product, [n, h, w, kh, kw, cout]), [0, 1, 3, 2, 4, 5]);
  return tf.reshape(tiles, [n, h * kh, w * kw, cout]) as tf.Tensor4D;
}
