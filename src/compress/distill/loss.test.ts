// The distillation loss against PyTorch and against a hand computation in
// float64 on a fixed tensor.
import { beforeAll, describe, it, expect } from "vitest";
import { tf } from "../../runtime/tfjs/tf.js";
import { initBackend } from "../../runtime/tfjs/backends.js";
import { distillationLoss, featureMse } from "./loss.js";

const student = [[1.0, -2.0, 0.5, 3.0], [0.2, 0.1, -1.0, 2.5], [-0.3, 4.0, 1.0, 0.0]];
const teacher = [[2.0, -1.0, 0.0, 2.5], [1.5, -0.5, 0.3, 0.7], [0.1, 3.0, 2.0, -1.0]];
const labels = [3, 0, 1];

/**
 * From PyTorch 1.13 (Debian's python3-torch):
 *   kl = F.kl_div(F.log_softmax(s / T, 1), F.log_softmax(t / T, 1), reduction="batchmean", log_target=True)
 *   loss = a * T * T * kl + (1 - a) * F.cross_entropy(s, y)
 */
const PYTORCH: readonly [temperature: number, alpha: number, loss: number][] = [
  [4, 0.9, 0.5772730708122253],
  [1, 0.5, 0.7107181549072266],
  [2, 1.0, 0.544062077999115],
];

function logSoftmax(row: number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

function byHand(T: number, alpha: number): number {
  let kl = 0;
  let ce = 0;
  student.forEach((s, i) => {
    const ls = logSoftmax(s.map((v) => v / T));
    const lt = logSoftmax(teacher[i]!.map((v) => v / T));
    kl += lt.reduce((sum, l, j) => sum + Math.exp(l) * (l - ls[j]!), 0);
    ce -= logSoftmax(s)[labels[i]!]!;
  });
  const n = student.length;
  return alpha * T * T * (kl / n) + (1 - alpha) * (ce / n);
}

function lossOf(T: number, alpha: number): number {
  return tf.tidy(() =>
    distillationLoss(tf.tensor2d(student), tf.tensor2d(teacher), tf.tensor1d(labels, "int32"), { temperature: T, alpha }).dataSync()[0]!,
  );
}

// The backend training uses by default.
beforeAll(async () => {
  await initBackend("wasm");
});

describe("distillationLoss", () => {
  it.each(PYTORCH)("T=%s, alpha=%s matches PyTorch and the float64 formula", (T, alpha, expected) => {
    const got = lossOf(T, alpha);
    expect(got).toBeCloseTo(expected, 5);
    expect(got).toBeCloseTo(byHand(T, alpha), 5);
  });

  it("is zero in the soft term when student and teacher agree, leaving (1 − α)·CE", () => {
    const same = tf.tidy(() =>
      distillationLoss(tf.tensor2d(student), tf.tensor2d(student), tf.tensor1d(labels, "int32"), { temperature: 3, alpha: 1 }).dataSync()[0]!,
    );
    expect(Math.abs(same)).toBeLessThan(1e-6);
  });

  it("has the gradient PyTorch's formula implies (finite differences, float64 reference)", () => {
    const T = 4;
    const alpha = 0.9;
    const grad = tf.tidy(() => {
      const g = tf.grad((s: tf.Tensor) => distillationLoss(s, tf.tensor2d(teacher), tf.tensor1d(labels, "int32"), { temperature: T, alpha }));
      return g(tf.tensor2d(student)).arraySync() as number[][];
    });
    const h = 1e-5;
    for (const [i, j] of [[0, 0], [1, 3], [2, 1]] as const) {
      const bump = (d: number) => {
        const saved = student[i]![j]!;
        student[i]![j] = saved + d;
        const v = byHand(T, alpha);
        student[i]![j] = saved;
        return v;
      };
      expect(grad[i]![j]!).toBeCloseTo((bump(h) - bump(-h)) / (2 * h), 4);
    }
  });
});

describe("featureMse", () => {
  it("is the mean squared difference over every element", () => {
    const v = tf.tidy(() => featureMse(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[0, 2], [5, 4]])).dataSync()[0]!);
    expect(v).toBeCloseTo((1 + 0 + 4 + 0) / 4, 6);
  });
});
