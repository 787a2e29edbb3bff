// Inference-only 1×1 convolution through our matrix kernel (pointwise.c, gemm.c),
// used by ops/conv.ts in place of tfjs's fused conv: NHWC pixels are already
// the rows of a [pixels × C]·[C × K] product, so the kernel reads the input
// where it is and writes the output in place (a strided conv first gathers
// every s-th pixel). Applies without gradients, on the wasm backend, for
// ungrouped float32 1×1 convs without pads, with K a multiple of 4 and at
// least MIN_INPUT_CHANNELS input channels.
import type { tf } from "../tf.js";
import { ACTIVATION_CODE, type ConvActivation, convDims, heapKernels, type KernelSwitch, preparedWeight, runOwnKernel, withScratch } from "./module.js";

export const pointwise: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

/**
 * Below this many input channels XNNPACK's 1×1 conv was as fast or faster
 * (MobileNetV2's shapes, same run: 16→96 at 112² 15 vs 11 GFLOP/s, 24→144
 * even); from 64 up ours ran 19–20 GFLOP/s against its 16.
 */
export const MIN_INPUT_CHANNELS = 64;

/**
 * y = act(conv(x, w) + b) for NHWC x [N,H,W,C], HWIO w [1,1,C,K], bias [K];
 * undefined when this kernel does not apply.
 */
export function pointwiseConv2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  pads: readonly [number, number, number, number],
  strides: readonly [number, number],
  activation: ConvActivation,
): tf.Tensor4D | undefined {
  const dims = convDims(pointwise, x, w, bias, 1);
  if (!dims || dims.c < MIN_INPUT_CHANNELS || pads.some((p) => p !== 0)) return undefined;
  const { n, h, w: wd, c, k: kOut } = dims;
  const [sh, sw] = strides;
  const [oh, ow] = [Math.floor((h - 1) / sh) + 1, Math.floor((wd - 1) / sw) + 1];
  const pixels = n * oh * ow;
  if (pixels === 0) return undefined;

  return runOwnKernel(pointwise, () => {
    const k = heapKernels();
    const u = preparedWeight(k, "panels", w, Math.ceil(kOut / 8) * 8 * c * 4, (source, out) => k.packPanels({ w: source, u: out, C: c, K: kOut }));
    const strided = sh !== 1 || sw !== 1;
    const y = withScratch(k, [4 * (c + kOut), strided ? pixels * c : 0], ([scratch, gathered]) => {
      if (strided) {
        const heap = k.heap();
        const src = k.offsetOf(x) / 4;
        for (let i = 0, at = gathered! / 4; i < n; i++) {
          for (let oy = 0; oy < oh; oy++) {
            for (let ox = 0; ox < ow; ox++, at += c) {
              const from = src + ((i * h + oy * sh) * wd + ox * sw) * c;
              heap.copyWithin(at, from, from + c);
            }
          }
        }
      }
      const input = strided ? gathered! : k.offsetOf(x);
      const b = bias ? k.offsetOf(bias) : 0;
      return k.output([n, oh, ow, kOut], (out) => k.pointwise({ x: input, u, bias: b, y: out, pixels, C: c, K: kOut, act: ACTIVATION_CODE[activation], scratch: scratch! }));
    });
    return y as tf.Tensor4D;
  });
}
