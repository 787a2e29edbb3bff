// Inference-only 3×3 convolution through our Winograd kernel
// (winograd.c), used by ops/conv.ts in place of tfjs's fused conv when it
// applies: no gradient being recorded, the wasm backend, a 3×3 filter, stride
// 1, dilation 1, one group, float32, and channel counts that are multiples of
// 4. Anything else returns undefined and the caller runs tfjs's kernel.
//
// The input is copied once, zero-padded, so the kernel needs no bounds
// checks; the output is written in place. The transformed filter (36/9 = 4×
// the filter's bytes) is made once per filter tensor (module.ts).
import type { tf } from "../tf.js";
import { ACTIVATION_CODE, type ConvActivation, convDims, heapKernels, type KernelSwitch, preparedWeight, runOwnKernel, withScratch } from "./module.js";

export const winograd: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

/** Tiles transformed and multiplied together: more reuse each filter panel more often, fewer keep V and M in cache. */
export const TILE_BLOCK = 48;

const padTo8 = (k: number) => Math.ceil(k / 8) * 8;

/**
 * y = act(conv(x, w) + b) for NHWC x [N,H,W,C], HWIO w [3,3,C,K], bias [K],
 * pads [top, bottom, left, right]; undefined when this kernel does not apply.
 */
export function winogradConv2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  pads: readonly [number, number, number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  activation: ConvActivation,
): tf.Tensor4D | undefined {
  const dims = convDims(winograd, x, w, bias, 3);
  if (!dims || dims.c % 4 !== 0 || strides.some((s) => s !== 1) || dilations.some((d) => d !== 1)) return undefined;
  const { n, h, w: wd, c, k: kOut } = dims;
  const [pt, pb, pl, pr] = pads;
  const [oh, ow] = [h + pt + pb - 2, wd + pl + pr - 2];
  if (n === 0 || oh <= 0 || ow <= 0) return undefined;

  return runOwnKernel(winograd, () => {
    const k = heapKernels();
    const [tilesH, tilesW] = [Math.ceil(oh / 4), Math.ceil(ow / 4)];
    const [hp, wp] = [Math.max(h + pt, tilesH * 4 + 2), Math.max(wd + pl, tilesW * 4 + 2)];
    const kp = padTo8(kOut);
    // A multiple of 4 (the matrix kernel's rows), no more than the tiles there are.
    const tb = Math.min(TILE_BLOCK, Math.ceil((n * tilesH * tilesW) / 4) * 4);
    const u = preparedWeight(k, "winograd", w, 36 * kp * c * 4, (g, out) => k.winogradFilter({ g, u: out, C: c, K: kOut, Kp: kp }));
    const sizes = [n * hp * wp * c, 36 * tb * c, 36 * tb * kp];
    const y = withScratch(k, sizes, ([xp, v, m]) => {
      // The input, zero-padded: one copy per image row, zeros only where no
      // input lands (views taken after every allocation).
      const heap = k.heap();
      const padded = heap.subarray(xp! / 4, xp! / 4 + sizes[0]!);
      const [row, paddedRow] = [wd * c, wp * c];
      const src = k.offsetOf(x) / 4;
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < hp; r++) {
          const to = (i * hp + r) * paddedRow;
          const inputRow = r - pt;
          if (inputRow < 0 || inputRow >= h) {
            padded.fill(0, to, to + paddedRow);
            continue;
          }
          const from = src + (i * h + inputRow) * row;
          padded.fill(0, to, to + pl * c);
          padded.set(heap.subarray(from, from + row), to + pl * c);
          padded.fill(0, to + pl * c + row, to + paddedRow);
        }
      }
      const b = bias ? k.offsetOf(bias) : 0;
      return k.output([n, oh, ow, kOut], (out) =>
        k.winogradConv({ xp: xp!, u, bias: b, y: out, v: v!, m: m!, N: n, Hp: hp, Wp: wp, C: c, K: kOut, Kp: kp, OH: oh, OW: ow, tb, act: ACTIVATION_CODE[activation] }),
      );
    });
    return y as tf.Tensor4D;
  });
}
