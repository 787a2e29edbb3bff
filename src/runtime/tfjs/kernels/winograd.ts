// 3×3 stride-1 convolution through our Winograd kernel (winograd.c):
//  - winogradConv2d, inference only, used by ops/conv.ts in place of tfjs's
//    fused conv when it applies: no gradient being recorded, the wasm
//    backend, a 3×3 filter, stride 1, dilation 1, one group, float32, and
//    channel counts that are multiples of 4. Anything else returns undefined
//    and the caller runs tfjs's kernel. The transformed filter (36/9 = 4× the
//    filter's bytes) is made once per filter tensor (module.ts).
//  - runWinograd, the same computation on heap offsets, which our
//    differentiable conv (conv2d.ts) calls while training for its forward and
//    its input gradient, with the filter transformed into scratch each step;
//    and runWinogradFilterGradient, its filter gradient.
//
// The input is copied once, zero-padded, so the kernel needs no bounds
// checks; the output is written in place.
import type { tf } from "../tf.js";
import { ACTIVATION_CODE, type ConvActivation, convDims, heapKernels, type HeapKernels, type KernelSwitch, preparedWeight, runOwnKernel, withScratch } from "./module.js";

export const winograd: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

/** Tiles transformed and multiplied together: more reuse each filter panel more often, fewer keep V and M in cache. */
export const TILE_BLOCK = 48;

const padTo8 = (k: number) => Math.ceil(k / 8) * 8;

/** A 3×3 stride-1 conv of x [N, H, W, C] to K channels with pads [top, bottom, left, right]. */
export interface WinogradShape {
  readonly N: number;
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly K: number;
  readonly pads: readonly [number, number, number, number];
}

/** Floats of the transformed filter of C → K channels. */
export const winogradFilterFloats = (C: number, K: number) => 36 * padTo8(K) * C;

/** Whether the kernel takes this conv: channels in multiples of 4 and an output. */
export function winogradFits(s: WinogradShape): boolean {
  const [pt, pb, pl, pr] = s.pads;
  return s.C % 4 === 0 && s.K % 4 === 0 && s.N > 0 && s.H + pt + pb > 2 && s.W + pl + pr > 2;
}

interface WinogradPlan {
  readonly oh: number;
  readonly ow: number;
  readonly tiles: number;
  /** The padded input's height and width: every tile's 6×6 window inside it. */
  readonly hp: number;
  readonly wp: number;
  readonly kp: number;
}

function plan(s: WinogradShape): WinogradPlan {
  const [pt, pb, pl, pr] = s.pads;
  const [oh, ow] = [s.H + pt + pb - 2, s.W + pl + pr - 2];
  const [tilesH, tilesW] = [Math.ceil(oh / 4), Math.ceil(ow / 4)];
  const [hp, wp] = [Math.max(s.H + pt, tilesH * 4 + 2), Math.max(s.W + pl, tilesW * 4 + 2)];
  return { oh, ow, tiles: s.N * tilesH * tilesW, hp, wp, kp: padTo8(s.K) };
}

/** Tiles per block: a multiple of 4 (the matrix kernel's rows), no more than the tiles there are. */
const tileBlock = (p: WinogradPlan, most: number) => Math.min(most, Math.ceil(p.tiles / 4) * 4);

/**
 * x at heap offset `x` copied zero-padded to [N, hp, wp, C] at `xp`: one copy
 * per image row, zeros only where no input lands (views taken after every allocation).
 */
function copyPadded(k: HeapKernels, s: WinogradShape, p: WinogradPlan, x: number, xp: number): void {
  const { N: n, H: h, W: wd, C: c } = s;
  const [pt, , pl] = s.pads;
  const heap = k.heap();
  const padded = heap.subarray(xp / 4, xp / 4 + n * p.hp * p.wp * c);
  const [row, paddedRow] = [wd * c, p.wp * c];
  const src = x / 4;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < p.hp; r++) {
      const to = (i * p.hp + r) * paddedRow;
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
}

/**
 * y [N, OH, OW, K] = act(conv(x, w) + bias) for x, the transformed filter u
 * (winogradFilter's layout) and an optional bias (0: none), all heap offsets.
 */
export function runWinograd(k: HeapKernels, s: WinogradShape, x: number, u: number, bias: number, y: number, act: ConvActivation): void {
  const p = plan(s);
  const tb = tileBlock(p, TILE_BLOCK);
  withScratch(k, [s.N * p.hp * p.wp * s.C, 36 * tb * s.C, 36 * tb * p.kp], ([xp, v, m]) => {
    copyPadded(k, s, p, x, xp!);
    k.winogradConv({ xp: xp!, u, bias, y, v: v!, m: m!, N: s.N, Hp: p.hp, Wp: p.wp, C: s.C, K: s.K, Kp: p.kp, OH: p.oh, OW: p.ow, tb, act: ACTIVATION_CODE[act] });
  });
}

/** dw HWIO [3, 3, C, K] at `dw` of the conv of x (heap offset) whose output gradient is dy [N, OH, OW, K]. */
export function runWinogradFilterGradient(k: HeapKernels, s: WinogradShape, x: number, dy: number, dw: number): void {
  const p = plan(s);
  // The forward's block: 24 and 48 tiles measured alike on ResNet-8's shapes, 96 and 192 slower (bench/resnet8-convs.ts).
  const tb = tileBlock(p, TILE_BLOCK);
  withScratch(k, [s.N * p.hp * p.wp * s.C, 36 * tb * s.C, 36 * tb * p.kp, 36 * s.C * s.K], ([xp, v, dm, du]) => {
    copyPadded(k, s, p, x, xp!);
    k.winogradFilterGrad({ xp: xp!, dy, dw, v: v!, dm: dm!, du: du!, N: s.N, Hp: p.hp, Wp: p.wp, C: s.C, K: s.K, Kp: p.kp, OH: p.oh, OW: p.ow, tb });
  });
}

/** Transforms the HWIO filter [3, 3, C, K] at `w` into `u` (winogradFilterFloats(C, K) floats). */
export function transformFilter(k: HeapKernels, w: number, u: number, C: number, K: number): void {
  k.winogradFilter({ g: w, u, C, K, Kp: padTo8(K) });
}

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
  if (!dims || strides.some((s) => s !== 1) || dilations.some((d) => d !== 1)) return undefined;
  const shape: WinogradShape = { N: dims.n, H: dims.h, W: dims.w, C: dims.c, K: dims.k, pads };
  if (!winogradFits(shape)) return undefined;
  const { oh, ow } = plan(shape);
  return runOwnKernel(winograd, () => {
    const k = heapKernels();
    const u = preparedWeight(k, "winograd", w, winogradFilterFloats(dims.c, dims.k) * 4, (g, out) => transformFilter(k, g, out, dims.c, dims.k));
    const b = bias ? k.offsetOf(bias) : 0;
    return k.output([dims.n, oh, ow, dims.k], (out) => runWinograd(k, shape, k.offsetOf(x), u, b, out, activation)) as tf.Tensor4D;
  });
}
