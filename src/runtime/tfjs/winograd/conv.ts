// Inference-only 3×3 convolution through our Winograd kernel (winograd.c),
// used by ops/conv.ts in place of tfjs's fused conv when it applies: no
// gradient being recorded, the wasm backend, a 3×3 filter, stride 1,
// dilation 1, one group, float32, and channel counts that are multiples of 4.
// Anything else returns undefined and the caller runs tfjs's kernel.
//
// Data moves by copies: the input from wasm's heap into ours (zero-padded so
// the kernel needs no bounds checks), the output back through tf.tensor. The
// transformed filter (36/9 = 4× the filter's bytes) is made once per filter
// tensor and kept in our memory until that tensor is garbage-collected.
import { tf } from "../tf.js";
import { createWasmMemory, instantiate, type WasmGlobal } from "../wasm_api.js";
import { Arena } from "./arena.js";
import { WINOGRAD_WASM_BASE64 } from "./winograd_wasm.js";

export type ConvActivation = "linear" | "relu" | "relu6";

/** The switch and counter, exported so tests see which path ran and benchmarks can compare both. */
export const winograd = {
  enabled: true,
  /** How many convolutions ran here. */
  runs: 0,
  /** Milliseconds spent here (copies included), for profiles: tf.profile does not see this kernel. */
  ms: 0,
};

interface Kernels {
  readonly arena: Arena;
  filterTransform(g: number, u: number, c: number, k: number, kp: number): void;
  conv(xp: number, u: number, bias: number, y: number, v: number, m: number, n: number, hp: number, wp: number, c: number, k: number, kp: number, oh: number, ow: number, tb: number, act: number): void;
}

let kernels: Kernels | undefined;

function load(): Kernels {
  if (kernels) return kernels;
  const memory = createWasmMemory(16);
  const exports = instantiate(Buffer.from(WINOGRAD_WASM_BASE64, "base64"), { env: { memory } });
  const heapBase = (exports.__heap_base as WasmGlobal).value;
  kernels = {
    arena: new Arena(memory, heapBase),
    filterTransform: exports.filter_transform as Kernels["filterTransform"],
    conv: exports.conv as Kernels["conv"],
  };
  return kernels;
}

interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

const heapView = (t: tf.Tensor): Float32Array => (tf.backend() as unknown as WasmHeapBackend).typedArrayFromHeap(t);

/** Transformed filters by the filter's data id (a new id whenever a variable is assigned). */
const filters = new WeakMap<object, { offset: number; k: number }>();
const releaseFilter = new FinalizationRegistry<number>((offset) => kernels?.arena.release(offset));

/** Tiles transformed and multiplied together: more reuse each filter panel more often, fewer keep V and M in cache. */
export const TILE_BLOCK = 48;

const padTo8 = (k: number) => Math.ceil(k / 8) * 8;

function transformedFilter(k: Kernels, w: tf.Tensor4D): number {
  const dataId = w.dataId as object;
  const cached = filters.get(dataId);
  if (cached) return cached.offset;
  const [, , cin, cout] = w.shape;
  const kp = padTo8(cout);
  const u = k.arena.allocate(36 * kp * cin * 4);
  const g = k.arena.allocate(w.size * 4);
  try {
    k.arena.f32(g, w.size).set(heapView(w));
    k.filterTransform(g, u, cin, cout, kp);
  } finally {
    k.arena.release(g);
  }
  filters.set(dataId, { offset: u, k: cout });
  releaseFilter.register(dataId, u);
  return u;
}

/** Tiles per block: a multiple of 4 (the matrix kernel's rows), at most TILE_BLOCK, no more than the tiles there are. */
function tilesPerBlock(tiles: number): number {
  return Math.min(TILE_BLOCK, Math.ceil(tiles / 4) * 4);
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
  if (!winograd.enabled || tf.engine().state.gradientDepth > 0 || tf.getBackend() !== "wasm") return undefined;
  const [n, h, wd, c] = x.shape;
  const [kh, kw, wc, kOut] = w.shape;
  if (kh !== 3 || kw !== 3 || wc !== c || strides.some((s) => s !== 1) || dilations.some((d) => d !== 1)) return undefined;
  if (c % 4 !== 0 || kOut % 4 !== 0 || x.dtype !== "float32" || w.dtype !== "float32") return undefined;
  if (bias && (bias.dtype !== "float32" || bias.size !== kOut)) return undefined;
  const [pt, pb, pl, pr] = pads;
  const [oh, ow] = [h + pt + pb - 2, wd + pl + pr - 2];
  if (n === 0 || oh <= 0 || ow <= 0) return undefined;

  const started = performance.now();
  const k = load();
  const [tilesH, tilesW] = [Math.ceil(oh / 4), Math.ceil(ow / 4)];
  const [hp, wp] = [Math.max(h + pt, tilesH * 4 + 2), Math.max(wd + pl, tilesW * 4 + 2)];
  const kp = padTo8(kOut);
  const tb = tilesPerBlock(n * tilesH * tilesW);
  const u = transformedFilter(k, w);
  const sizes = { xp: n * hp * wp * c, y: n * oh * ow * kOut, v: 36 * tb * c, m: 36 * tb * kp, bias: kOut };
  const at = { xp: 0, y: 0, v: 0, m: 0, bias: 0 };
  const taken: number[] = [];
  try {
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      if (key === "bias" && !bias) continue;
      at[key] = k.arena.allocate(sizes[key] * 4);
      taken.push(at[key]);
    }
    // The input, zero-padded: one copy per image row.
    const xp = k.arena.f32(at.xp, sizes.xp);
    xp.fill(0);
    const src = heapView(x);
    const row = wd * c;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < h; r++) {
        const from = (i * h + r) * row;
        xp.set(src.subarray(from, from + row), ((i * hp + r + pt) * wp + pl) * c);
      }
    }
    if (bias) k.arena.f32(at.bias, kOut).set(heapView(bias));
    const act = activation === "relu" ? 1 : activation === "relu6" ? 2 : 0;
    k.conv(at.xp, u, at.bias, at.y, at.v, at.m, n, hp, wp, c, kOut, kp, oh, ow, tb, act);
    winograd.runs++;
    // tf.tensor copies into wasm's heap at once, so the scratch can be released.
    return tf.tensor4d(k.arena.f32(at.y, sizes.y), [n, oh, ow, kOut], "float32");
  } finally {
    for (const offset of taken) k.arena.release(offset);
    winograd.ms += performance.now() - started;
  }
}
