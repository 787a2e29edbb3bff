// Dense 2-D convolution (one group, dilation 1, any kernel size, stride and
// padding) with fused bias and activation, on our im2col kernel (conv2d.c),
// registered as the tfjs kernel "CompactorConv2D" with a gradient (see
// ../gradients/compactor-conv2d.ts), so it trains as well as it infers. Its
// gradients are the kernels "CompactorConv2DBackpropInput" and
// "CompactorConv2DBackpropFilter" here; the fused bias and activation's is
// bias-act.ts.
//
// Used by ops/conv.ts on the wasm backend when it applies: while training
// every dense conv (tfjs's own input gradient was 72% of a LeNet-5 step);
// in inference the convs Winograd and the 1×1 kernel do not take (strided
// and large-kernel ones: ResNet's 7×7 stem and 3×3 stride-2 convs).
//
// 3×3 stride-1 convs over channel counts in multiples of 4 run on Winograd
// (winograd.ts) here too: the forward, the input gradient (such a conv's
// input gradient is itself one: dz convolved with the filter turned 180° and
// its channels swapped, padded by 2 − each pad) and the filter gradient (the
// Winograd forward's adjoint, winograd_filter_grad). They are most of
// ResNet-8's conv time.
import { tf } from "../tf.js";
import { directConvApplies, runConv2dDirect, runConv2dDirectBackpropFilter } from "./conv2d-direct.js";
import { ACTIVATION_CODE, type ConvActivation, ensureKernel, heapKernels, type HeapKernels, kernelOutput, type KernelSwitch, preparedWeight, withScratch } from "./module.js";
import { runWinograd, runWinogradFilterGradient, transformFilter, winogradFilterFloats, winogradFits, type WinogradShape } from "./winograd.js";

export const CONV2D = "CompactorConv2D";
export const CONV2D_BACKPROP_INPUT = "CompactorConv2DBackpropInput";
export const CONV2D_BACKPROP_FILTER = "CompactorConv2DBackpropFilter";

/** Switch and counters (runs counts forward calls), for tests and benchmarks. */
export const ownConv2d: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

/** The Winograd route of this kernel's forward and gradients: switch and run counts. */
export const winogradConv = { enabled: true, forwardRuns: 0, inputGradientRuns: 0, filterGradientRuns: 0 };

export interface Conv2dAttrs {
  readonly strides: readonly [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: readonly [number, number, number, number];
  readonly activation: ConvActivation;
}

/** The C functions' geometry, from x (N, H, W, C), the HWIO filter shape and the attrs. */
export function convGeometry(xShape: readonly number[], filterShape: readonly number[], attrs: Conv2dAttrs) {
  const [N, H, W, C] = xShape as [number, number, number, number];
  const [KH, KW, , K] = filterShape as [number, number, number, number];
  const [sh, sw] = attrs.strides;
  const [pt, pb, pl, pr] = attrs.pads;
  const OH = Math.floor((H + pt + pb - KH) / sh) + 1;
  const OW = Math.floor((W + pl + pr - KW) / sw) + 1;
  return { N, H, W, C, OH, OW, K, KH, KW, sh, sw, pt, pl };
}
export type ConvGeometry = ReturnType<typeof convGeometry>;

/**
 * Output pixels per im2col block: about 32 KB of patch rows, at least 64
 * rows (so each filter panel serves many rows) and at most 512.
 */
export function blockRows(inner: number): number {
  return Math.min(512, Math.max(64, Math.floor(8192 / inner / 4) * 4));
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap };

/** The Winograd shape of a conv with this geometry, or undefined where Winograd does not take it. */
function winogradShape(g: ConvGeometry, pads: readonly [number, number, number, number]): WinogradShape | undefined {
  if (!winogradConv.enabled || g.KH !== 3 || g.KW !== 3 || g.sh !== 1 || g.sw !== 1) return undefined;
  const shape: WinogradShape = { N: g.N, H: g.H, W: g.W, C: g.C, K: g.K, pads };
  return winogradFits(shape) ? shape : undefined;
}

/**
 * The input gradient of a 3×3 stride-1 conv as the Winograd conv of dz
 * (N, OH, OW, K) to C channels, or undefined: its pads are 2 − the
 * forward's, so forward pads over 2 (which never reach the input) do not fit.
 */
function winogradInputGradientShape(g: ConvGeometry, pads: readonly [number, number, number, number]): WinogradShape | undefined {
  if (!winogradShape(g, pads) || pads.some((p) => p > 2)) return undefined;
  const [pt, pb, pl, pr] = pads;
  return { N: g.N, H: g.OH, W: g.OW, C: g.K, K: g.C, pads: [2 - pt, 2 - pb, 2 - pl, 2 - pr] };
}

/** w' [3, 3, K, C] at `out` from w [3, 3, C, K] at `w`: w'[i][j][k][c] = w[2 − i][2 − j][c][k]. */
function flipFilter(k: HeapKernels, w: number, out: number, C: number, K: number): void {
  const heap = k.heap();
  const [src, dst] = [w / 4, out / 4];
  for (let t = 0; t < 9; t++) {
    const from = src + (8 - t) * C * K;
    const to = dst + t * K * C;
    for (let c = 0; c < C; c++) for (let kk = 0; kk < K; kk++) heap[to + kk * C + c] = heap[from + c * K + kk];
  }
}

const panelFloats = (inner: number, cols: number) => Math.ceil(cols / 8) * 8 * inner;
const pointwiseGeometry = (g: ConvGeometry) => g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0;

/**
 * The filter packed for the product (transposed: Wᵀ, for the input
 * gradient): made once per filter tensor in inference, where weights stay;
 * into `scratch` while training, where every step has new weights (a cache
 * keyed by them would hold a packed copy of each until garbage collection).
 */
function packedFilter(k: HeapKernels, filter: tf.TensorInfo, inner: number, cols: number, transposed: boolean, scratch: number): number {
  const pack = (source: number, out: number) =>
    transposed ? k.packPanelsTransposed({ w: source, u: out, rows: inner, cols }) : k.packPanels({ w: source, u: out, C: inner, K: cols });
  if (tf.engine().state.gradientDepth === 0 && !transposed) return preparedWeight(k, "conv2d", filter, panelFloats(inner, cols) * 4, pack);
  pack(k.offsetOf(filter), scratch);
  return scratch;
}

function conv2dKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const started = performance.now();
  const k = heapKernels();
  const { x, filter, bias } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo };
  const a = attrs as unknown as Conv2dAttrs;
  const g = convGeometry(x.shape, filter.shape, a);
  const inner = g.KH * g.KW * g.C;
  const block = blockRows(inner);
  const out = kernelOutput([g.N, g.OH, g.OW, g.K], "float32");
  const training = tf.engine().state.gradientDepth > 0;
  const direct = directConvApplies(g);
  const wino = direct ? undefined : winogradShape(g, a.pads);
  if (direct) {
    runConv2dDirect(k, k.offsetOf(x), k.offsetOf(filter), bias ? k.offsetOf(bias) : 0, k.offsetOf(out), ACTIVATION_CODE[a.activation], g);
  } else if (wino) {
    // While training every step has new weights: transformed into scratch, not cached.
    withScratch(k, [training ? winogradFilterFloats(g.C, g.K) : 0], ([scratch]) => {
      const transform = (source: number, u: number) => transformFilter(k, source, u, g.C, g.K);
      const u = training ? (transform(k.offsetOf(filter), scratch!), scratch!) : preparedWeight(k, "winograd", filter, winogradFilterFloats(g.C, g.K) * 4, transform);
      runWinograd(k, wino, k.offsetOf(x), u, bias ? k.offsetOf(bias) : 0, k.offsetOf(out), a.activation);
    });
    winogradConv.forwardRuns++;
  } else withScratch(k, [training ? panelFloats(inner, g.K) : 0, pointwiseGeometry(g) ? 0 : block * inner], ([scratch, cols]) => {
    const panels = packedFilter(k, filter, inner, g.K, false, scratch!);
    k.conv2d({ x: k.offsetOf(x), panels, bias: bias ? k.offsetOf(bias) : 0, y: k.offsetOf(out), cols: cols!, block, act: ACTIVATION_CODE[a.activation], ...g });
  });
  ownConv2d.runs++;
  ownConv2d.ms += performance.now() - started;
  return out;
}

/** dx (xShape) from dz (N, OH, OW, K) and the HWIO filter. */
export function conv2dBackpropInput(dz: tf.TensorInfo, filter: tf.TensorInfo, xShape: readonly number[], a: Omit<Conv2dAttrs, "activation">): tf.TensorInfo {
  const k = heapKernels();
  const g = convGeometry(xShape, filter.shape, { ...a, activation: "linear" });
  const inner = g.KH * g.KW * g.C;
  const block = blockRows(inner);
  const dx = kernelOutput([...xShape], "float32");
  const wino = winogradInputGradientShape(g, a.pads);
  if (wino) {
    withScratch(k, [9 * g.C * g.K, winogradFilterFloats(g.K, g.C)], ([flipped, u]) => {
      flipFilter(k, k.offsetOf(filter), flipped!, g.C, g.K);
      transformFilter(k, flipped!, u!, g.K, g.C);
      runWinograd(k, wino, k.offsetOf(dz), u!, 0, k.offsetOf(dx), "linear");
    });
    winogradConv.inputGradientRuns++;
    return dx;
  }
  withScratch(k, [panelFloats(g.K, inner), pointwiseGeometry(g) ? 0 : block * inner], ([scratch, cols]) => {
    const panels = packedFilter(k, filter, inner, g.K, true, scratch!);
    k.conv2dBackpropInput({ dz: k.offsetOf(dz), panels, dx: k.offsetOf(dx), cols: cols!, block, ...g });
  });
  return dx;
}

/** dw (filterShape: KH, KW, C, K) from x and dz. */
export function conv2dBackpropFilter(x: tf.TensorInfo, dz: tf.TensorInfo, filterShape: readonly number[], a: Omit<Conv2dAttrs, "activation">): tf.TensorInfo {
  const k = heapKernels();
  const g = convGeometry(x.shape, filterShape, { ...a, activation: "linear" });
  const inner = g.KH * g.KW * g.C;
  // Larger blocks than the forward's: each block adds its partial gradient to dw.
  const block = Math.min(512, blockRows(inner) * 4);
  const dw = kernelOutput([...filterShape], "float32");
  if (directConvApplies(g)) {
    runConv2dDirectBackpropFilter(k, k.offsetOf(x), k.offsetOf(dz), k.offsetOf(dw), g);
    return dw;
  }
  const wino = winogradShape(g, a.pads);
  if (wino) {
    runWinogradFilterGradient(k, wino, k.offsetOf(x), k.offsetOf(dz), k.offsetOf(dw));
    winogradConv.filterGradientRuns++;
    return dw;
  }
  withScratch(k, [pointwiseGeometry(g) ? 0 : block * inner, panelFloats(block, g.K)], ([cols, panels]) => {
    k.conv2dBackpropFilter({ x: k.offsetOf(x), dz: k.offsetOf(dz), dw: k.offsetOf(dw), cols: cols!, panels: panels!, block, ...g });
  });
  return dw;
}

/** Registers the three kernels with tfjs's wasm backend (once). */
export function ensureConv2dKernels(): void {
  ensureKernel(CONV2D, conv2dKernel);
  ensureKernel(CONV2D_BACKPROP_INPUT, ({ inputs, attrs }: KernelArgs) => {
    const a = attrs as unknown as Conv2dAttrs & { xShape: number[] };
    return conv2dBackpropInput(inputs.dz!, inputs.filter!, a.xShape, a);
  });
  ensureKernel(CONV2D_BACKPROP_FILTER, ({ inputs, attrs }: KernelArgs) => {
    const a = attrs as unknown as Conv2dAttrs & { filterShape: number[] };
    return conv2dBackpropFilter(inputs.x!, inputs.dz!, a.filterShape, a);
  });
}

/**
 * y = act(conv(x, w) + b) for NHWC float32 x, HWIO w over x's channels, bias
 * [K], explicit pads, dilation 1, through our kernel (differentiable); or
 * undefined where it does not apply (switched off, another backend, other dtypes, an empty output).
 */
export function compactorConv2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  strides: readonly [number, number],
  pads: readonly [number, number, number, number],
  activation: ConvActivation,
): tf.Tensor4D | undefined {
  if (!ownConv2d.enabled || tf.getBackend() !== "wasm") return undefined;
  if (x.dtype !== "float32" || w.dtype !== "float32" || w.shape[2] !== x.shape[3]) return undefined;
  if (bias !== undefined && (bias.dtype !== "float32" || bias.rank !== 1 || bias.size !== w.shape[3])) return undefined;
  const attrs: Conv2dAttrs = { strides, pads, activation };
  const g = convGeometry(x.shape, w.shape, attrs);
  if (g.N === 0 || g.OH <= 0 || g.OW <= 0 || g.C === 0 || g.K === 0) return undefined;
  ensureConv2dKernels();
  const inputs = bias === undefined ? { x, filter: w } : { x, filter: w, bias };
  return tf.engine().runKernel(CONV2D, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
