// Runs the same differentiable function on two tfjs backends and compares
// value and gradients: our wasm kernels against tfjs's cpu backend (its
// reference kernels, which accumulate in float64). Inputs are plain arrays so
// each backend gets its own tensors; the loss is Σ y·r with a fixed random r,
// so the output gradient is r (every element weighted differently).
import { expect } from "vitest";
import { tf } from "../../src/runtime/tfjs/tf.js";
import { registerTrainingKernels } from "../../src/runtime/tfjs/gradients/index.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";

export interface Values {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Uniform values in [lo, hi) from a seed (a linear congruential generator: reproducible, no dependency). */
export function seeded(shape: readonly number[], seed: number, lo = -1, hi = 1): Values {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * (hi - lo) + lo;
  return { shape: [...shape], data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next) };
}

export interface BackendResult {
  readonly value: Values;
  /** Gradient of Σ value·r by input name. */
  readonly grads: Record<string, Values>;
}

/** f's value and the gradients of Σ f·r for every input, on `backend`; checks nothing leaks. */
export async function valueAndGrads(
  backend: "cpu" | "wasm",
  inputs: Record<string, Values>,
  f: (t: Record<string, tf.Tensor>) => tf.Tensor,
  seed = 99,
  /** false: the value only (grads left empty). */
  withGrads = true,
): Promise<BackendResult> {
  await tf.setBackend(backend);
  registerTrainingKernels(backend);
  const before = tf.memory().numTensors;
  const names = Object.keys(inputs);
  const tensors = names.map((n) => tf.tensor(inputs[n]!.data, inputs[n]!.shape));
  const value = tf.tidy(() => f(Object.fromEntries(names.map((n, i) => [n, tensors[i]!]))));
  const r = tf.tensor(seeded(value.shape, seed).data, value.shape);
  const grads = !withGrads ? [] : tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(Object.fromEntries(names.map((n, i) => [n, xs[i]!]))), r)))(tensors);
  const read = async (t: tf.Tensor): Promise<Values> => ({ shape: t.shape, data: Float32Array.from((await t.data()) as Float32Array) });
  const result: BackendResult = { value: await read(value), grads: Object.fromEntries(await Promise.all(grads.map(async (g, i) => [names[i]!, await read(g)] as const))) };
  tf.dispose([value, r, ...grads, ...tensors]);
  expect(tf.memory().numTensors, `no tensors leak on ${backend}`).toBe(before);
  return result;
}

/** Largest |got − want| over the largest |want| (or over 1 when want is all zeros). */
export function relativeError(got: Values, want: Values): number {
  expect(got.shape).toEqual(want.shape);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.data.length; i++) {
    diff = Math.max(diff, Math.abs(got.data[i]! - want.data[i]!));
    scale = Math.max(scale, Math.abs(want.data[i]!));
  }
  return diff / (scale || 1);
}

/** Value and every gradient within `tolerance` (relative to each reference's largest value). */
export function expectClose(got: BackendResult, want: BackendResult, tolerance: number): void {
  expect(relativeError(got.value, want.value), "value").toBeLessThan(tolerance);
  for (const name of Object.keys(want.grads)) {
    expect(relativeError(got.grads[name]!, want.grads[name]!), `gradient of ${name}`).toBeLessThan(tolerance);
  }
}
