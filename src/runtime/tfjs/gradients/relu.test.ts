// The standalone Relu's gradient on wasm (relu.ts, through our bias-act
// kernel) against tfjs's on the cpu backend: odd channel counts and row
// counts that leave the 4-row runs a remainder, exact zeros (gradient 0, as
// step(0) = 0), and that our kernel is the one that ran (a silent fallback to
// tfjs's Step·Cast·Multiply would pass the values alone).
import { describe, expect, it } from "vitest";
import { seeded, valueAndGrads, type Values } from "../../../../test/helpers/backend-grads.js";
import { BIAS_ACTIVATION_GRAD } from "../kernels/bias-act.js";
import { tf } from "../tf.js";

const relu = ({ x }: Record<string, tf.Tensor>) => tf.relu(x!);

function withZeros(shape: number[], seed: number): Values {
  const v = seeded(shape, seed, -2, 2);
  for (let i = 0; i < v.data.length; i += 7) v.data[i] = 0;
  return v;
}

describe("Relu's gradient on wasm against tfjs's on cpu", () => {
  for (const shape of [[2, 5, 7, 6], [3, 11, 16], [1, 3], [128, 32]]) {
    it(`x ${shape.join("×")}, with exact zeros`, async () => {
      const values = { x: withZeros(shape, 4) };
      const [got, want] = [await valueAndGrads("wasm", values, relu), await valueAndGrads("cpu", values, relu)];
      // dy or 0 per element, no arithmetic: exactly tfjs's (whose dy · 0 is −0 for negative dy: + 0 makes it 0).
      const plain = (v: Values) => Array.from(v.data, (d) => d + 0);
      expect(plain(got.grads.x!)).toEqual(plain(want.grads.x!));
      expect(got.value.data).toEqual(want.value.data);
    });
  }

  it("runs our one-pass kernel on wasm, not tfjs's Step, Cast and Multiply", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor(withZeros([4, 9, 5], 6).data, [4, 9, 5]);
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(BIAS_ACTIVATION_GRAD);
    expect(names).not.toContain("Step");
    tf.dispose([x, info.result as tf.Tensor]);
  });

  it("leaves the cpu backend to tfjs's gradient", async () => {
    await tf.setBackend("cpu");
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(tf.tensor([-1, 0, 2])));
    expect(info.kernels.map((k) => k.name)).toContain("Step");
    expect(Array.from((info.result as tf.Tensor).dataSync())).toEqual([0, 0, 1]);
    tf.dispose(info.result as tf.Tensor);
  });
});
