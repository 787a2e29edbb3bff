// onnxruntime's native GEMM as the training kernels' matrix product
// (native-gemm.ts): every operand layout, bias and activation against a plain
// JavaScript product, written in place at offsets of one shared memory (as on
// tfjs's heap); and the dense training kernel takes this path, or the wasm one
// when switched off, with the same numbers.
import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../core/random.js";
import { NATIVE_GEMM_MIN_MACS, nativeGemm, nativeGemmApplies, nativeGemmAvailable, nativeGemmThreads, nativeGemmUnavailableReason, runGemm, setNativeGemmThreads } from "./native-gemm.js";
import { initBackend } from "./tfjs/backends.js";
import { compactorDense, compactorMatMul } from "./tfjs/kernels/matmul.js";
import { tf } from "./tfjs/tf.js";

function reference(m: Float32Array, a: number, b: number, rows: number, inner: number, cols: number, tA: boolean, tB: boolean, bias?: number, act = "linear"): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let s = bias === undefined ? 0 : m[bias + j]!;
      for (let p = 0; p < inner; p++) s += m[a + (tA ? p * rows + i : i * inner + p)]! * m[b + (tB ? j * inner + p : p * cols + j)]!;
      out[i * cols + j] = act === "relu" ? Math.max(0, s) : act === "relu6" ? Math.min(6, Math.max(0, s)) : s;
    }
  return out;
}

const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((d, v, i) => Math.max(d, Math.abs(v - y[i]!)), 0);

describe("native GEMM (onnxruntime's MLAS, synchronous)", () => {
  afterEach(() => {
    nativeGemm.enabled = true;
  });

  it("loads here, or says why", () => {
    // onnxruntime-node ships its CPU binary for linux-x64: on this project's machines it must load.
    expect(nativeGemmUnavailableReason()).toBeUndefined();
    expect(nativeGemmAvailable()).toBe(true);
    expect(nativeGemmThreads()).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [false, false], [false, true], [true, false], [true, true],
  ])("computes op(a)·op(b) in place, transposeA %s, transposeB %s, odd sizes, with bias and activations", (tA, tB) => {
    const next = seededRandom(7);
    for (const [rows, inner, cols] of [[1, 1, 1], [3, 5, 7], [37, 129, 11], [128, 64, 65]] as const) {
      for (const act of ["linear", "relu", "relu6"] as const) {
        // a, b, bias and out at unaligned offsets of one memory, with guard floats around out.
        const a = 3, b = a + rows * inner + 1, bias = b + inner * cols + 2, out = bias + cols + 5;
        const m = Float32Array.from({ length: out + rows * cols + 4 }, () => (next() * 2 - 1) * 4);
        const guards = [m[out - 1], m[out + rows * cols]];
        const expected = reference(m, a, b, rows, inner, cols, tA, tB, act === "linear" ? undefined : bias, act);
        runGemm({ memory: m, a, b, out, rows, inner, cols, transposeA: tA, transposeB: tB, ...(act === "linear" ? {} : { bias }), activation: act });
        expect(maxDiff(m.subarray(out, out + rows * cols), expected)).toBeLessThan(1e-4 * inner);
        expect([m[out - 1], m[out + rows * cols]]).toEqual(guards);
      }
    }
  });

  it("makes new sessions with a new thread count, and rejects a bad one", () => {
    const before = nativeGemmThreads();
    setNativeGemmThreads(1);
    const m = new Float32Array([1, 2, 3, 4, 0, 0, 0, 0]);
    runGemm({ memory: m, a: 0, b: 0, out: 4, rows: 2, inner: 2, cols: 2, transposeA: true, transposeB: false });
    expect([...m.subarray(4)]).toEqual([10, 14, 14, 20]);
    setNativeGemmThreads(before);
    expect(() => setNativeGemmThreads(0)).toThrow(/positive integer, got 0/);
  });

  it("takes products big enough to pay for the call, and none when switched off", () => {
    expect(nativeGemmApplies(64, 64, 64)).toBe(64 ** 3 >= NATIVE_GEMM_MIN_MACS);
    expect(nativeGemmApplies(8, 8, 8)).toBe(false);
    nativeGemm.enabled = false;
    expect(nativeGemmApplies(1024, 1024, 1024)).toBe(false);
    expect(nativeGemmUnavailableReason()).toMatch(/COMPACTOR_NATIVE_GEMM=0/);
  });

  it("runs the dense training kernel and its gradient products, matching the wasm path", async () => {
    await initBackend("wasm");
    const next = seededRandom(3);
    const x = tf.tensor2d(Float32Array.from({ length: 96 * 200 }, () => next() - 0.5), [96, 200]);
    const w = tf.tensor2d(Float32Array.from({ length: 200 * 70 }, () => next() - 0.5), [200, 70]);
    const bias = tf.tensor1d(Float32Array.from({ length: 70 }, () => next() - 0.5));
    const run = () => {
      const y = compactorDense(x, w, bias, "relu")!;
      const dx = compactorMatMul(y, w, false, true);
      const dw = compactorMatMul(x, y, true, false);
      const out = [y.dataSync().slice(), dx.dataSync().slice(), dw.dataSync().slice()];
      tf.dispose([y, dx, dw]);
      return out;
    };
    const runsBefore = nativeGemm.runs;
    const native = run();
    expect(nativeGemm.runs - runsBefore).toBe(3);
    nativeGemm.enabled = false;
    const wasm = run();
    expect(nativeGemm.runs - runsBefore).toBe(3);
    for (let i = 0; i < 3; i++) expect(maxDiff(native[i]!, wasm[i]!)).toBeLessThan(1e-3);
    expect(Math.max(...native[0]!)).toBeGreaterThan(0);
    tf.dispose([x, w, bias]);
  });
});
