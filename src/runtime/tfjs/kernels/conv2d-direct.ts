// Where the direct convolution of conv2d-direct.c replaces im2col, and its
// scratch: the forward and filter gradient of a stride-1 conv with few input
// channels (an image's first conv). conv2d.ts calls these from its kernels,
// so the tfjs kernel names, the gradient and the fallbacks stay one.
import type { ConvGeometry } from "./conv2d.js";
import type { HeapKernels } from "./module.js";
import { withScratch } from "./module.js";

/**
 * Most input channels the direct kernels take. They read one plane per
 * input channel for every output channel block, so their work per output grows with C as
 * im2col's does, while im2col's patch rows (KW·C floats) grow more
 * efficient; measured on LeNet-5's and ResNet-8's shapes in bench/lenet-convs.ts.
 */
export const DIRECT_MAX_CHANNELS = 3;

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/** Switch and call counters, for tests and benchmarks that compare with the im2col path. */
export const directConv = { enabled: true, forwardRuns: 0, filterRuns: 0 };

/** Stride 1, a window wider than 1×1 (1×1 convs are a plain product), few input channels. */
export function directConvApplies(g: ConvGeometry): boolean {
  return directConv.enabled && g.sh === 1 && g.sw === 1 && g.C <= DIRECT_MAX_CHANNELS && g.KH * g.KW > 1;
}

/** The planes' row width both C functions need (see conv2d-direct.c's header). */
function planeWidth(g: ConvGeometry): number {
  return Math.max(roundUp(g.OW, 8) + g.KW, roundUp(g.OW, 4) + roundUp(g.KW, 5));
}

const planeFloats = (g: ConvGeometry, PW: number) => roundUp(g.C * (g.OH + g.KH - 1) * PW, 4);

/** y = act(conv(x, filter) + bias) into `y` (offsets in tfjs's heap; bias 0 for none). */
export function runConv2dDirect(k: HeapKernels, x: number, filter: number, bias: number, y: number, act: number, g: ConvGeometry): void {
  const PW = planeWidth(g);
  const splatFloats = roundUp(g.K, 6) * g.KH * g.KW * g.C * 4;
  directConv.forwardRuns++;
  withScratch(k, [splatFloats + planeFloats(g, PW)], ([scratch]) => {
    k.conv2dDirect({ x, filter, bias, y, scratch: scratch!, act, PW, N: g.N, H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, K: g.K, KH: g.KH, KW: g.KW, pt: g.pt, pl: g.pl });
  });
}

/** dw (KH, KW, C, K) from x and dz into `dw`. */
export function runConv2dDirectBackpropFilter(k: HeapKernels, x: number, dz: number, dw: number, g: ConvGeometry): void {
  const PW = planeWidth(g);
  const gradFloats = roundUp(g.K, 4) * g.OH * roundUp(g.OW, 4);
  directConv.filterRuns++;
  withScratch(k, [planeFloats(g, PW) + gradFloats], ([scratch]) => {
    k.conv2dDirectBackpropFilter({ x, dz, dw, scratch: scratch!, PW, N: g.N, H: g.H, W: g.W, C: g.C, OH: g.OH, OW: g.OW, K: g.K, KH: g.KH, KW: g.KW, pt: g.pt, pl: g.pl });
  });
}
