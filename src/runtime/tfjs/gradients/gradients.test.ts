// A small conv net with BatchNorm, max/avg pooling, strided convs and dense
// layers (plain, fused and transposed matmuls) must get the same gradients on
// wasm, with our kernels, as on the reference cpu backend.
import { describe, it, expect, beforeAll } from "vitest";
import { tf } from "../tf.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { registerTrainingKernels } from "./index.js";

type Params = Record<string, tf.Tensor>;

function seededParams(): Record<string, { shape: number[]; data: Float32Array }> {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const make = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, rand) });
  return {
    x: make([4, 13, 13, 3]),
    w1: make([3, 3, 3, 8]),
    gamma: make([8]),
    beta: make([8]),
    w2: make([3, 3, 8, 6]),
    w3: make([6, 16]),
    b3: make([16]),
    w4: make([5, 16]),
    w5: make([5, 3]),
  };
}

function loss(p: Params): tf.Scalar {
  const c1 = tf.conv2d(p.x as tf.Tensor4D, p.w1 as tf.Tensor4D, 1, "same");
  const { mean, variance } = tf.moments(c1, [0, 1, 2]);
  const bn = tf.relu(tf.batchNorm(c1, mean, variance, p.beta!, p.gamma!, 1e-5));
  const pooled = tf.maxPool(bn as tf.Tensor4D, 2, 2, "valid"); // 6x6
  const c2 = tf.conv2d(pooled, p.w2 as tf.Tensor4D, 2, "valid"); // (6-3)/2+1 = 2: odd leftover row
  const avg = tf.avgPool(c2, 2, 1, "valid"); // 1x1
  const flat = tf.reshape(avg, [4, -1]);
  const h = tf.fused.matMul({ a: flat, b: p.w3 as tf.Tensor2D, bias: p.b3, activation: "relu" });
  const logits = tf.matMul(h, p.w4 as tf.Tensor2D, false, true); // Gemm transB=1
  const mixed = tf.sum(tf.matMul(p.w5 as tf.Tensor2D, logits, true, true)); // both transposed
  const logp = tf.logSoftmax(logits);
  return tf.add(tf.neg(tf.mean(logp)), tf.mul(mixed, 1e-3)) as tf.Scalar;
}

async function gradientsOn(backend: string): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend);
  registerTrainingKernels(backend);
  const init = seededParams();
  const params: Params = {};
  for (const [k, v] of Object.entries(init)) params[k] = tf.tensor(v.data, v.shape);
  const names = Object.keys(params);
  const grads = tf.grads((...xs: tf.Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, xs[i]!]))))(
    names.map((n) => params[n]!),
  );
  const out: Record<string, Float32Array> = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = (await grads[i]!.data()) as Float32Array;
  tf.dispose([...grads, ...Object.values(params)]);
  return out;
}

describe("wasm training kernels", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("give a conv net the same gradients on wasm as on cpu (1e-4)", async () => {
    const reference = await gradientsOn("cpu");
    const wasm = await gradientsOn("wasm");
    for (const [name, ref] of Object.entries(reference)) {
      const got = wasm[name]!;
      expect(got.length, name).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
      expect(worst, `max |Δ| of d${name}`).toBeLessThan(1e-4);
      expect(ref.some((v) => v !== 0), `d${name} is not all zero`).toBe(true);
    }
  });

  it("compute transposed matmuls exactly as the plain kernel does", async () => {
    await tf.setBackend("wasm");
    registerTrainingKernels("wasm");
    const a = tf.randomNormal([7, 5], 0, 1, "float32", 1);
    const b = tf.randomNormal([9, 5], 0, 1, "float32", 2);
    const c = tf.randomNormal([4, 7], 0, 1, "float32", 4);
    const big = tf.randomNormal([40, 30], 0, 1, "float32", 3);
    const cases: [tf.Tensor, tf.Tensor][] = [
      [tf.matMul(a, b, false, true), tf.matMul(a, tf.transpose(b))],
      [tf.matMul(a, a, true, false), tf.matMul(tf.transpose(a), a)],
      [tf.matMul(a, c, true, true), tf.matMul(tf.transpose(a), tf.transpose(c))],
      // B much larger than A and C: takes the (B·Aᵀ)ᵀ form
      [tf.matMul(tf.slice(big, [0, 0], [2, 30]), big, false, true), tf.matMul(tf.slice(big, [0, 0], [2, 30]), tf.transpose(big))],
    ];
    for (const [got, want] of cases) {
      expect(got.shape).toEqual(want.shape);
      const g = await got.data();
      const w = await want.data();
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThan(1e-4);
    }
  });
});
