// A 3×3 depthwise convolution kernel for tfjs's wasm backend, registered as
// the tfjs kernel "CompactorDepthwise3x3" (so tf.profile names it). tfjs
// wasm's FusedDepthwiseConv2D (XNNPACK) ran MobileNetV2's 17 depthwise convs
// at 2–5 GFLOP/s, ~20% of its tfjs time; depthwise.c's plain f32x4 loop ran the
// same shapes 1.2–1.6× faster (measured, same inputs). It runs inside tfjs's
// own WebAssembly memory (module.ts): it reads the tensors where tfjs keeps
// them and writes into an output tfjs allocated, so nothing is copied.
//
// Inference only (gradientDepth 0): tfjs records no gradient for a kernel it
// does not know, so training keeps tfjs's depthwise conv.
import { tf } from "../tf.js";
import { type ConvActivation, heapKernels, ensureKernel, kernelOutput, ownKernelsApply } from "./module.js";

export const KERNEL_NAME = "CompactorDepthwise3x3";

/** Switch for tests that check tfjs's own depthwise kernel is taken. */
export const dwconv3x3 = { enabled: true };

export interface Depthwise3x3Attrs {
  readonly strides: readonly [number, number];
  /** [top, left]: bottom and right padding need no argument (taps past the end are skipped). */
  readonly padTopLeft: readonly [number, number];
  readonly outShape: readonly [number, number];
  readonly activation: ConvActivation;
}

const CLAMP: Readonly<Record<ConvActivation, [number, number]>> = Object.freeze({
  linear: [-Infinity, Infinity],
  relu: [0, Infinity],
  relu6: [0, 6],
});

function depthwise3x3Kernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const kernels = heapKernels();
  const { x, filter, bias } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo };
  const a = attrs as unknown as Depthwise3x3Attrs;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, ow] = a.outShape;
  const out = kernelOutput([n, oh, ow, c], "float32");
  const at = (t: tf.TensorInfo) => kernels.offsetOf(t);
  const [lo, hi] = CLAMP[a.activation];
  kernels.dwconv3x3({
    in: at(x), w: at(filter), bias: bias ? at(bias) : 0, out: at(out), N: n, H: h, W: w, C: c, OH: oh, OW: ow,
    sh: a.strides[0], sw: a.strides[1], padT: a.padTopLeft[0], padL: a.padTopLeft[1], lo, hi,
  });
  return out;
}

/**
 * y = clamp(depthwise 3×3 conv of x (N, H, W, C) by filter (3, 3, C, 1) + bias)
 * with explicit pads [top, bottom, left, right]; undefined where this kernel
 * does not apply (another backend, training, a shape it does not cover).
 */
export function depthwise3x3(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  activation: ConvActivation,
): tf.Tensor4D | undefined {
  if (!dwconv3x3.enabled || !ownKernelsApply()) return undefined;
  const [n, h, w, c] = x.shape;
  const [kh, kw, fc, multiplier] = filter.shape;
  if (kh !== 3 || kw !== 3 || multiplier !== 1 || fc !== c || c % 4 !== 0 || x.dtype !== "float32" || filter.dtype !== "float32") return undefined;
  if (bias !== undefined && (bias.rank !== 1 || bias.size !== c || bias.dtype !== "float32")) return undefined;
  const outShape: [number, number] = [Math.floor((h + pads[0] + pads[1] - 3) / strides[0]) + 1, Math.floor((w + pads[2] + pads[3] - 3) / strides[1]) + 1];
  if (n === 0 || outShape[0] <= 0 || outShape[1] <= 0) return undefined;
  ensureKernel(KERNEL_NAME, depthwise3x3Kernel);
  const attrs: Depthwise3x3Attrs = { strides, padTopLeft: [pads[0], pads[2]], outShape, activation };
  const inputs = bias === undefined ? { x, filter } : { x, filter, bias };
  return tf.engine().runKernel(KERNEL_NAME, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
