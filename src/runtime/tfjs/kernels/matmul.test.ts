// Our dense kernel and transposed products (matmul.c on gemm.c) against
// tfjs's cpu backend: the fused dense op's value and gradients (x, w, b) as
// training reaches them, and tfjs's matMul with either operand transposed
// (BatchMatMul, which runs those on our kernel on wasm) — rows and columns
// that are no multiple of the kernel's 4×8 block, one-column and one-row
// operands, batched and broadcast products.
import { describe, expect, it } from "vitest";
import { expectClose, seeded, valueAndGrads } from "../../../../test/helpers/backend-grads.js";
import { tf } from "../tf.js";
import { compactorDense, ownDense } from "./matmul.js";
import type { ConvActivation } from "./module.js";

const DENSE: [number, number, number, boolean, ConvActivation][] = [
  [5, 7, 13, true, "relu"],
  [128, 30, 10, true, "linear"],
  [3, 1, 9, false, "relu6"],
  [66, 129, 17, true, "relu"],
  [1, 12, 1, true, "linear"],
];

describe("our dense kernel (wasm) against tfjs's cpu backend", () => {
  for (const [n, c, k, withBias, activation] of DENSE) {
    it(`x ${n}×${c} · w ${c}×${k}, ${withBias ? "bias" : "no bias"}, ${activation}: value and gradients`, async () => {
      const values = { x: seeded([n, c], 1, -2, 2), w: seeded([c, k], 2, -3, 3), ...(withBias ? { b: seeded([k], 3) } : {}) };
      const reference = ({ x, w, b }: Record<string, tf.Tensor>) => {
        let y: tf.Tensor = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
        if (b) y = tf.add(y, b);
        return activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.relu6(y) : y;
      };
      const ours = ({ x, w, b }: Record<string, tf.Tensor>) => {
        const y = compactorDense(x!, w!, b, activation);
        expect(y, "our kernel applies").toBeDefined();
        return y!;
      };
      const runs = ownDense.runs;
      const got = await valueAndGrads("wasm", values, ours);
      expect(ownDense.runs).toBeGreaterThan(runs);
      expectClose(got, await valueAndGrads("cpu", values, reference), 2e-6);
    });
  }

  it("a batch of one broadcast against a batch of two (value: tfjs's own matMul gradient does not reduce broadcast batches)", async () => {
    const values = { a: seeded([2, 13, 3], 6), b: seeded([1, 5, 3], 7) };
    const f = ({ a: x, b: y }: Record<string, tf.Tensor>) => tf.matMul(x!, y!, false, true);
    const [got, want] = [await valueAndGrads("wasm", values, f, 1, false), await valueAndGrads("cpu", values, f, 1, false)];
    expectClose(got, want, 2e-6);
  });
});

const PRODUCTS: [number[], number[], boolean, boolean][] = [
  [[7, 5], [9, 5], false, true],
  [[5, 7], [5, 9], true, false],
  [[5, 7], [9, 5], true, true],
  [[3, 6, 4], [3, 4, 10], false, false],
  [[3, 4, 6], [3, 10, 4], true, true],
  [[1, 128], [1, 11], true, false],
];

describe("tfjs's matMul with transposed operands on wasm against the cpu backend", () => {
  for (const [a, b, ta, tb] of PRODUCTS) {
    it(`${a.join("×")}${ta ? "ᵀ" : ""} · ${b.join("×")}${tb ? "ᵀ" : ""}, with gradients`, async () => {
      const values = { a: seeded(a, 4), b: seeded(b, 5) };
      const f = ({ a: x, b: y }: Record<string, tf.Tensor>) => tf.matMul(x!, y!, ta, tb);
      expectClose(await valueAndGrads("wasm", values, f), await valueAndGrads("cpu", values, f), 2e-6);
    });
  }

  it("a batch of one broadcast against a batch of two (value: tfjs's own matMul gradient does not reduce broadcast batches)", async () => {
    const values = { a: seeded([2, 13, 3], 6), b: seeded([1, 5, 3], 7) };
    const f = ({ a: x, b: y }: Record<string, tf.Tensor>) => tf.matMul(x!, y!, false, true);
    const [got, want] = [await valueAndGrads("wasm", values, f, 1, false), await valueAndGrads("cpu", values, f, 1, false)];
    expectClose(got, want, 2e-6);
  });
});
