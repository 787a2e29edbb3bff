// Our max and average pooling gradients (pool.c), which replace tfjs wasm's
// MaxPoolGrad and AvgPoolGrad, against tfjs's cpu backend through tf.grads of
// the pools: channel counts that are no multiple of 4, overlapping windows,
// "same" padding (windows partly outside the input), uneven strides, and ties
// (a constant input: the first largest tap takes the gradient, as tfjs and PyTorch).
import { describe, expect, it } from "vitest";
import { expectClose, seeded, valueAndGrads } from "../../../../test/helpers/backend-grads.js";
import { tf } from "../tf.js";

const CASES: [number[], [number, number], [number, number], "valid" | "same"][] = [
  [[2, 28, 28, 6], [2, 2], [2, 2], "valid"],
  [[3, 10, 10, 16], [2, 2], [2, 2], "valid"],
  [[2, 9, 7, 5], [3, 3], [1, 1], "same"],
  [[1, 11, 12, 3], [3, 2], [2, 3], "same"],
  [[2, 8, 8, 9], [3, 3], [2, 2], "valid"],
  // Windows that tile the input (stride = window), which max pooling's gradient writes directly:
  // a last row and column no window covers, a 3×3 window, and "same" padding past the bottom edge (not tiled).
  [[2, 9, 7, 6], [2, 2], [2, 2], "valid"],
  [[1, 9, 9, 4], [3, 3], [3, 3], "valid"],
  [[2, 9, 9, 8], [2, 2], [2, 2], "same"],
];

describe("pooling gradients on wasm against tfjs's cpu backend", () => {
  for (const [shape, size, strides, pad] of CASES) {
    for (const kind of ["max", "avg"] as const) {
      it(`${kind} pool ${size.join("×")} stride ${strides} ${pad} on ${shape.join("×")}`, async () => {
        const values = { x: seeded(shape, 11) };
        const f = ({ x }: Record<string, tf.Tensor>) => (kind === "max" ? tf.maxPool : tf.avgPool)(x as tf.Tensor4D, size, strides, pad);
        expectClose(await valueAndGrads("wasm", values, f), await valueAndGrads("cpu", values, f), 2e-6);
      });
    }
  }

  it("max pool of a constant input: each window's gradient goes to its first tap", async () => {
    const values = { x: { shape: [1, 4, 4, 2], data: new Float32Array(32).fill(0.5) } };
    const f = ({ x }: Record<string, tf.Tensor>) => tf.maxPool(x as tf.Tensor4D, [2, 2], [2, 2], "valid");
    const got = await valueAndGrads("wasm", values, f);
    expectClose(got, await valueAndGrads("cpu", values, f), 1e-7);
    const nonzero = [...got.grads.x!.data].map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
    // Window tops-left (0,0), (0,2), (2,0), (2,2), both channels.
    expect(nonzero).toEqual([0, 1, 4, 5, 16, 17, 20, 21]);
  });

  it("max pool of a constant input with 6 channels (the tiled path, channels 2 and 3 in two groups): the first tap takes it", async () => {
    const values = { x: { shape: [1, 2, 4, 6], data: new Float32Array(48).fill(-1.5) } };
    const f = ({ x }: Record<string, tf.Tensor>) => tf.maxPool(x as tf.Tensor4D, [2, 2], [2, 2], "valid");
    const got = await valueAndGrads("wasm", values, f);
    expectClose(got, await valueAndGrads("cpu", values, f), 1e-7);
    const nonzero = [...got.grads.x!.data].map((v, i) => (v !== 0 ? i : -1)).filter((i) => i >= 0);
    // Pixels (0,0) and (0,2), all six channels.
    expect(nonzero).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
  });
});
