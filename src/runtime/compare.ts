// Compares two runtimes' outputs the way parity is defined in this project:
// the largest absolute difference relative to the reference output's largest
// magnitude, so tiny values near zero do not blow up a per-element ratio.
import type { Tensor } from "../graph/types.js";

export interface OutputDifference {
  readonly name: string;
  readonly maxAbs: number;
  /** maxAbs / max |reference| (maxAbs itself when the reference is all zeros). */
  readonly maxRel: number;
  /** Largest |reference| value: the scale maxRel is relative to. */
  readonly scale: number;
  /** A shape, dtype or presence mismatch; maxAbs/maxRel are Infinity then. */
  readonly mismatch?: string;
}

function asNumbers(t: Tensor): ArrayLike<number> | undefined {
  if (t.dtype === "string" || t.dtype === "float16" || t.dtype === "bfloat16") return undefined;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Array.from(t.data, Number);
  return t.data as ArrayLike<number>;
}

export function compareTensors(name: string, actual: Tensor | undefined, expected: Tensor | undefined): OutputDifference {
  const fail = (mismatch: string): OutputDifference => ({ name, maxAbs: Infinity, maxRel: Infinity, scale: NaN, mismatch });
  if (expected === undefined) return fail("missing from the reference");
  if (actual === undefined) return fail("missing from the result");
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return fail(`shape [${actual.dims.join(", ")}], reference [${expected.dims.join(", ")}]`);
  }
  // int64 from onnxruntime may arrive as int32 from tfjs; compare values, not storage.
  const a = asNumbers(actual);
  const e = asNumbers(expected);
  if (a === undefined || e === undefined) {
    if (actual.dtype !== expected.dtype) return fail(`dtype ${actual.dtype}, reference ${expected.dtype}`);
    const same = actual.data.length === expected.data.length && Array.from(actual.data as ArrayLike<unknown>).every((v, i) => v === (expected.data as ArrayLike<unknown>)[i]);
    return same ? { name, maxAbs: 0, maxRel: 0, scale: 0 } : fail("values differ");
  }
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    const ev = e[i]!;
    const av = a[i]!;
    // NaN where the reference has NaN counts as equal; anywhere else it is a mismatch.
    if (Number.isNaN(ev) && Number.isNaN(av)) continue;
    if (ev === av) {
      if (Number.isFinite(ev)) scale = Math.max(scale, Math.abs(ev));
      continue;
    }
    const diff = Math.abs(av - ev);
    maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? Infinity : diff);
    if (Number.isFinite(ev)) scale = Math.max(scale, Math.abs(ev));
  }
  return { name, maxAbs, maxRel: scale > 0 ? maxAbs / scale : maxAbs, scale };
}

/** One difference per reference output (and per unexpected extra output). */
export function compareOutputs(
  actual: Readonly<Record<string, Tensor>>,
  expected: Readonly<Record<string, Tensor>>,
): OutputDifference[] {
  const names = [...Object.keys(expected), ...Object.keys(actual).filter((n) => !(n in expected))];
  return names.map((name) => compareTensors(name, actual[name], expected[name]));
}
