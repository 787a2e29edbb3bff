// Our batch-statistics BatchNorm (batchnorm.c) against tfjs's own composition
// (tf.moments + tf.batchNorm) on the cpu backend: value, batch mean and
// variance, and the gradients of x, scale and bias, on channel counts that
// are no multiple of 4, rank 2 and 4 inputs, a single row (variance 0), a
// large batch, and an input far from zero (where E[x²] − mean² would lose
// the variance).
import { describe, expect, it } from "vitest";
import { expectClose, relativeError, seeded, valueAndGrads, type Values } from "../../../../test/helpers/backend-grads.js";
import { tf } from "../tf.js";
import { compactorBatchNormTrain, ownBatchNorm } from "./batchnorm.js";

const EPS = 1e-5;

/**
 * y, or with `stats` [y, mean, var] flattened into one tensor so one
 * comparison covers all three (values only: our gradient, like BatchNorm's
 * use, takes no gradient through the statistics' own outputs).
 */
function batchNorm(which: "ours" | "tfjs", stats = false) {
  return ({ x, scale, bias }: Record<string, tf.Tensor>) => {
    const axes = Array.from({ length: x!.rank - 1 }, (_, i) => i);
    let y: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor;
    if (which === "ours") {
      const own = compactorBatchNormTrain(x!, scale!, bias!, EPS);
      expect(own, "our kernel applies").toBeDefined();
      [y, mean, variance] = own!;
    } else {
      ({ mean, variance } = tf.moments(x!, axes));
      y = tf.batchNorm(x!, mean, variance, bias, scale, EPS);
    }
    return stats ? tf.concat([tf.reshape(y, [-1]), mean, variance]) : y;
  };
}

const CASES: [number[], number, string][] = [
  [[2, 5, 7, 3], 0, "3 channels"],
  [[3, 9, 9, 20], 0, "20 channels"],
  [[128, 6], 0, "rank 2"],
  [[1, 1, 1, 5], 0, "one row (variance 0)"],
  [[64, 8, 8, 16], 0, "4,096 rows of 16 channels"],
  [[4, 6, 6, 7], 100, "values near 100"],
];

describe("BatchNorm with batch statistics on wasm against tfjs's composition on cpu", () => {
  for (const [shape, offset, label] of CASES) {
    it(`${label}: ${shape.join("×")}`, async () => {
      const C = shape[shape.length - 1]!;
      const x: Values = seeded(shape, 5, offset - 1, offset + 1);
      const values = { x, scale: seeded([C], 6, 0.5, 1.5), bias: seeded([C], 7) };
      const runs = ownBatchNorm.runs;
      const got = await valueAndGrads("wasm", values, batchNorm("ours"));
      expect(ownBatchNorm.runs).toBeGreaterThan(runs);
      const want = await valueAndGrads("cpu", values, batchNorm("tfjs"));
      const tolerance = offset > 0 ? 2e-4 : 2e-5;
      if (x.data.length === C) {
        // One row: every normalised value is 0 and dx is exactly 0; tfjs's composition leaves rounding
        // noise there (relative to nothing), so dx is checked absolutely.
        expect(Math.max(...got.grads.x!.data.map(Math.abs))).toBe(0);
        expect(Math.max(...want.grads.x!.data.map(Math.abs))).toBeLessThan(1e-4);
        expectClose({ ...got, grads: { scale: got.grads.scale!, bias: got.grads.bias! } }, { ...want, grads: { scale: want.grads.scale!, bias: want.grads.bias! } }, tolerance);
      } else {
        expectClose(got, want, tolerance);
      }
      const stats = await valueAndGrads("wasm", values, batchNorm("ours", true), 99, false);
      expect(relativeError(stats.value, (await valueAndGrads("cpu", values, batchNorm("tfjs", true), 99, false)).value)).toBeLessThan(tolerance);
    });
  }

  it("applies only where it can: not on cpu, not to int32 or mismatched scales", async () => {
    await tf.setBackend("cpu");
    expect(compactorBatchNormTrain(tf.ones([2, 3]), tf.ones([3]), tf.zeros([3]), EPS)).toBeUndefined();
    await tf.setBackend("wasm");
    tf.tidy(() => {
      expect(compactorBatchNormTrain(tf.ones([2, 3], "int32"), tf.ones([3]), tf.zeros([3]), EPS)).toBeUndefined();
      expect(compactorBatchNormTrain(tf.ones([2, 3]), tf.ones([4]), tf.zeros([3]), EPS)).toBeUndefined();
      expect(compactorBatchNormTrain(tf.ones([0, 3]), tf.ones([3]), tf.zeros([3]), EPS)).toBeUndefined();
    });
  });

  it("agrees with a float64 reference on the values-near-100 case better than tfjs's float32 composition needs", async () => {
    const shape = [4, 6, 6, 7];
    const C = 7;
    const x = seeded(shape, 5, 99, 101);
    const got = await valueAndGrads("wasm", { x, scale: { shape: [C], data: new Float32Array(C).fill(1) }, bias: { shape: [C], data: new Float32Array(C) } }, batchNorm("ours", true), 99, false);
    const rows = x.data.length / C;
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    for (let i = 0; i < x.data.length; i++) mean[i % C]! += x.data[i]! / rows;
    for (let i = 0; i < x.data.length; i++) variance[i % C]! += (x.data[i]! - mean[i % C]!) ** 2 / rows;
    const y = Float32Array.from(x.data, (v, i) => (v - mean[i % C]!) / Math.sqrt(variance[i % C]! + EPS));
    const want: Values = { shape: got.value.shape, data: Float32Array.from([...y, ...mean, ...variance]) };
    expect(relativeError(got.value, want)).toBeLessThan(1e-4);
  });
});
