// Test-only helpers for the formats tests: onnxruntime settings and tensor
// comparisons. (src/runtime/ort.ts is the library's onnxruntime adapter.)
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import type { Tensor } from "../../src/graph/types.js";

/** One thread: the test machine's cores are shared, and tiny models gain nothing from more. */
export const ORT_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 };

/** Same dtype, dims and bytes (toEqual walks typed arrays element by element, which is slow on big ones). */
export function expectSameTensor(got: Tensor, expected: Tensor, where: string): void {
  expect(got.dtype, where).toBe(expected.dtype);
  expect(got.dims, where).toEqual(expected.dims);
  if (expected.dtype === "string") expect(got.data, where).toEqual(expected.data);
  else {
    const bytes = (t: Tensor): Buffer => {
      const d = t.data as ArrayBufferView;
      return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    };
    expect(bytes(got).equals(bytes(expected)), where).toBe(true);
  }
}

/** Our Tensor as an onnxruntime tensor (test-only; src/runtime/ort.ts is the real adapter). */
export function toOrt(t: Tensor): ort.Tensor {
  const type = t.dtype === "float64" ? "float64" : t.dtype;
  if (type === "bfloat16") throw new Error("onnxruntime-node takes no bfloat16 inputs");
  return new ort.Tensor(type, t.data as never, [...t.dims]);
}

/** Bit-identical onnxruntime outputs (byte comparison: toEqual is slow on large typed arrays). */
export function sameData(a: ort.Tensor, b: ort.Tensor): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "string") return JSON.stringify(a.data) === JSON.stringify(b.data);
  const bytes = (t: ort.Tensor): Buffer => {
    const d = t.data as ArrayBufferView;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  };
  return bytes(a).equals(bytes(b));
}
