// Matrix products on onnxruntime's native GEMM (MLAS: AVX2/AVX-512 FMA, its
// own thread pool), called synchronously on float32 arrays in place — for the
// training kernels on tfjs's wasm heap (tfjs/kernels/matmul.ts, conv2d.ts).
//
// Why: WebAssembly SIMD is 128 bits wide, has no fused multiply-add without
// the relaxed-SIMD flag, and runs on one thread under Node; our own matrix
// kernel peaks at ~22 GFLOP/s a core. onnxruntime-node, already our parity
// reference, ships MLAS: the same products measured 80–180 GFLOP/s on two
// cores here (BENCHMARKS.md, issue 14). Training is where the products are.
// Inference keeps our wasm kernels: its figures are compared with
// onnxruntime itself, and a comparison with one's own engine measures nothing.
//
// onnxruntime-node's public run() is async (a setImmediate around the native
// call); a tfjs kernel must return synchronously, so this module calls the
// native session's run() directly. That reaches past the package's public API:
// package.json pins onnxruntime-node exactly, and native-gemm.test.ts fails if
// the binding moves. Each session holds one Gemm node (optionally with Relu or
// Clip(0, 6) after it) over symbolic dims; outputs are written into the
// caller's memory (preallocated fetches), so nothing is copied either way.
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { binding, initOrt } from "onnxruntime-node/dist/binding.js";
import { cpuFeatures } from "../core/cpu-features.js";
import { BackendError } from "../core/errors.js";
import { encodeModel } from "../formats/onnx/index.js";
import { GraphBuilder } from "../graph/builder.js";
import { makeTensor } from "../graph/tensor.js";

export type GemmActivation = "linear" | "relu" | "relu6";

export interface GemmCall {
  /** Where a, b, out (and bias) live: float offsets below are indices into it. */
  readonly memory: Float32Array;
  /** a is [rows, inner], or [inner, rows] when transposeA. */
  readonly a: number;
  /** b is [inner, cols], or [cols, inner] when transposeB. */
  readonly b: number;
  /** out is [rows, cols]; must not overlap a, b or bias. */
  readonly out: number;
  readonly rows: number;
  readonly inner: number;
  readonly cols: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** cols floats added to every row, or undefined. */
  readonly bias?: number;
  readonly activation?: GemmActivation;
}

/**
 * Below this many multiply-adds a call's fixed cost (~25 µs: tensor wrappers,
 * the session's run, waking its threads) outweighs MLAS's speed: our wasm
 * kernel does ~250k MACs in that time.
 */
export const NATIVE_GEMM_MIN_MACS = 1 << 18;

/** Switch and counters, for tests (which path ran) and benchmarks (before/after). */
export const nativeGemm = {
  /** Off with COMPACTOR_NATIVE_GEMM=0 in the environment, or by setting this. */
  enabled: process.env.COMPACTOR_NATIVE_GEMM !== "0",
  runs: 0,
  ms: 0,
};

type Session = InstanceType<typeof binding.InferenceSession>;

/** The one-time check's outcome: undefined before it ran, "" when it passed, else why it failed. */
let unavailable: string | undefined;
let threads: number | undefined;
const sessions = new Map<string, Session>();

/** Threads of each session's pool: the physical cores this process may use (where /proc/cpuinfo says), else its logical CPUs. */
function defaultThreads(): number {
  const physical = cpuFeatures().physicalCores;
  return Math.max(1, Math.min(physical ?? Number.POSITIVE_INFINITY, availableParallelism()));
}

/**
 * Sets the thread count of the sessions made from now on (data-parallel
 * training gives each of its threads a share of the cores); existing sessions
 * are dropped so the next call makes them with the new count.
 */
export function setNativeGemmThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new BackendError(`native GEMM threads must be a positive integer, got ${n}`);
  if (n === threads) return;
  threads = n;
  for (const s of sessions.values()) s.dispose();
  sessions.clear();
}

export function nativeGemmThreads(): number {
  return (threads ??= defaultThreads());
}

function gemmModel(transposeA: boolean, transposeB: boolean, bias: boolean, activation: GemmActivation): Uint8Array {
  const g = new GraphBuilder({ name: "compactor_gemm", opset: 17 });
  g.input("A", "float32", transposeA ? ["inner", "rows"] : ["rows", "inner"]);
  g.input("B", "float32", transposeB ? ["cols", "inner"] : ["inner", "cols"]);
  if (bias) g.input("C", "float32", ["cols"]);
  let [y] = g.node("Gemm", bias ? ["A", "B", "C"] : ["A", "B"], { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 });
  if (activation === "relu") [y] = g.node("Relu", [y!]);
  if (activation === "relu6") {
    const lo = g.initializer("lo", makeTensor("float32", [], new Float32Array([0])));
    const hi = g.initializer("hi", makeTensor("float32", [], new Float32Array([6])));
    [y] = g.node("Clip", [y!, lo, hi]);
  }
  g.output(y!, "Y");
  return encodeModel(g.build());
}

function session(transposeA: boolean, transposeB: boolean, bias: boolean, activation: GemmActivation): Session {
  const key = `${+transposeA}${+transposeB}${+bias}${activation}`;
  let s = sessions.get(key);
  if (s) return s;
  initOrt();
  const bytes = gemmModel(transposeA, transposeB, bias, activation);
  s = new binding.InferenceSession();
  // No spinning: between our calls tfjs's thread does the rest of the step, and
  // spinning pool threads would take its core.
  s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
    intraOpNumThreads: nativeGemmThreads(),
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  sessions.set(key, s);
  return s;
}

/**
 * Whether native products can run here: switched on, and onnxruntime's
 * binding loads and runs a product (tried once; the reason is kept when not).
 */
export function nativeGemmAvailable(): boolean {
  if (!nativeGemm.enabled) return false;
  if (unavailable !== undefined) return unavailable === "";
  try {
    const m = new Float32Array([1, 2, 3, 4, 0, 0, 0, 0]);
    product({ memory: m, a: 0, b: 0, out: 4, rows: 2, inner: 2, cols: 2, transposeA: false, transposeB: true });
    if (m[4] !== 5 || m[5] !== 11 || m[6] !== 11 || m[7] !== 25) throw new Error(`a 2×2 product gave [${[...m.subarray(4)].join(", ")}], not [5, 11, 11, 25]`);
    unavailable = "";
    return true;
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    for (const s of sessions.values()) s.dispose();
    sessions.clear();
    return false;
  }
}

/** Why native products do not run, or undefined when they do. */
export function nativeGemmUnavailableReason(): string | undefined {
  if (!nativeGemm.enabled) return "switched off (COMPACTOR_NATIVE_GEMM=0)";
  return nativeGemmAvailable() ? undefined : unavailable;
}

/** Whether a product of this size should go native (available, and big enough to pay for the call). */
export function nativeGemmApplies(rows: number, inner: number, cols: number): boolean {
  return rows * inner * cols >= NATIVE_GEMM_MIN_MACS && nativeGemmAvailable();
}

function view(memory: Float32Array, offset: number, length: number, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", memory.subarray(offset, offset + length), dims);
}

/** out = act(op(a)·op(b) + bias), synchronously, writing into `memory` in place (counted on nativeGemm). */
export function runGemm(c: GemmCall): void {
  const started = performance.now();
  product(c);
  nativeGemm.runs++;
  nativeGemm.ms += performance.now() - started;
}

function product(c: GemmCall): void {
  const { memory, rows, inner, cols } = c;
  const s = session(c.transposeA, c.transposeB, c.bias !== undefined, c.activation ?? "linear");
  const feeds: Record<string, ort.Tensor> = {
    A: view(memory, c.a, rows * inner, c.transposeA ? [inner, rows] : [rows, inner]),
    B: view(memory, c.b, inner * cols, c.transposeB ? [cols, inner] : [inner, cols]),
  };
  if (c.bias !== undefined) feeds.C = view(memory, c.bias, cols, [cols]);
  const out = view(memory, c.out, rows * cols, [rows, cols]);
  try {
    s.run(feeds, { Y: out }, {});
  } catch (error) {
    throw new BackendError(`onnxruntime's GEMM failed on a ${rows}×${inner} · ${inner}×${cols} product: ${error instanceof Error ? error.message : String(error)}. Set COMPACTOR_NATIVE_GEMM=0 to use the wasm kernels instead.`, {
      details: { rows, inner, cols, transposeA: c.transposeA, transposeB: c.transposeB },
    });
  }
}
