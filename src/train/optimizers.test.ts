// Our optimizers against PyTorch's documented update rules, re-derived here
// step by step in float64 (torch.optim.SGD / Adam / AdamW pseudo-code), and the
// learning-rate schedules against their closed forms.
import { describe, it, expect, beforeAll } from "vitest";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { tf } from "../runtime/tfjs/tf.js";
import { registerTrainingKernels } from "../runtime/tfjs/gradients/index.js";
import { createOptimizer, type OptimizerSettings } from "./optimizers.js";
import { learningRate } from "./schedule.js";

const W0 = [0.5, -1.5, 2.0, 0.25];
const GRADS = [
  [0.1, -0.2, 0.3, 0.0],
  [-0.4, 0.5, 0.1, 0.2],
  [0.05, 0.05, -0.3, 1.0],
];
const LR = 0.1;

/** PyTorch's pseudo-code, scalar by scalar. */
function reference(s: OptimizerSettings): number[] {
  const w = [...W0];
  const buf: number[] = [];
  const m = W0.map(() => 0);
  const v = W0.map(() => 0);
  GRADS.forEach((grad, index) => {
    const t = index + 1;
    for (let i = 0; i < w.length; i++) {
      let g = grad[i]!;
      if (s.optimizer === "sgd") {
        if (s.weightDecay) g += s.weightDecay * w[i]!;
        if (s.momentum) {
          buf[i] = t === 1 ? g : s.momentum * buf[i]! + g;
          g = s.nesterov ? g + s.momentum * buf[i]! : buf[i]!;
        }
        w[i] = w[i]! - LR * g;
      } else {
        if (s.optimizer === "adamw") w[i] = w[i]! * (1 - LR * s.weightDecay);
        else g += s.weightDecay * w[i]!;
        m[i] = s.betas[0] * m[i]! + (1 - s.betas[0]) * g;
        v[i] = s.betas[1] * v[i]! + (1 - s.betas[1]) * g * g;
        const mHat = m[i]! / (1 - s.betas[0] ** t);
        const vHat = v[i]! / (1 - s.betas[1] ** t);
        w[i] = w[i]! - (LR * mHat) / (Math.sqrt(vHat) + s.eps);
      }
    }
  });
  return w;
}

function ours(s: OptimizerSettings): number[] {
  const w = tf.tidy(() => tf.variable(tf.tensor1d(W0), true, `w_${s.optimizer}_${s.nesterov}_${s.weightDecay}_${Math.random()}`));
  const optimizer = createOptimizer(s);
  for (const grad of GRADS) {
    const g = tf.tensor1d(grad);
    optimizer.step(new Map([["w", w]]), { w: g }, LR);
    g.dispose();
  }
  const out = Array.from(w.dataSync());
  optimizer.dispose();
  w.dispose();
  return out;
}

const base: OptimizerSettings = { optimizer: "sgd", momentum: 0, nesterov: false, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8 };

const cases: [string, OptimizerSettings][] = [
  ["plain sgd", base],
  ["sgd + momentum + weight decay", { ...base, momentum: 0.9, weightDecay: 0.01 }],
  ["sgd + nesterov", { ...base, momentum: 0.9, nesterov: true }],
  ["adam", { ...base, optimizer: "adam" }],
  ["adam + L2", { ...base, optimizer: "adam", weightDecay: 0.1 }],
  ["adamw", { ...base, optimizer: "adamw", weightDecay: 0.1 }],
];

// cpu runs the tf-ops update; wasm runs Adam through the fused kernel (kernels/adam.ts).
describe.each(["cpu", "wasm"])("optimizers follow PyTorch's update rules on %s", (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
    registerTrainingKernels(backend);
  });
  for (const [name, settings] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const got = ours(settings);
      const want = reference(settings);
      got.forEach((value, i) => expect(value).toBeCloseTo(want[i]!, 5));
      expect(tf.memory().numTensors).toBe(before);
    });
  }
  it("adam and adamw differ when weight decay is set", () => {
    expect(ours({ ...base, optimizer: "adam", weightDecay: 0.1 })).not.toEqual(ours({ ...base, optimizer: "adamw", weightDecay: 0.1 }));
  });
  it(`runs Adam ${backend === "wasm" ? "in the SIMD module" : "as tf ops"}`, async () => {
    const info = await tf.profile(() => {
      ours({ ...base, optimizer: "adam" });
    });
    // The fused path runs no tf kernels at all.
    expect(info.kernels.some((k) => k.name === "Sqrt")).toBe(backend !== "wasm");
  });
});

describe("learning-rate schedules", () => {
  const common = { lr: 1, warmupSteps: 0, stepsPerEpoch: 10, totalSteps: 100 };
  it("warms up linearly, then holds", () => {
    expect([0, 1, 3, 4, 50].map((s) => learningRate(s, { ...common, warmupSteps: 4 }))).toEqual([0.25, 0.5, 1, 1, 1]);
  });
  it("decays by gamma every stepSize epochs", () => {
    const s = { ...common, schedule: { type: "step" as const, stepSize: 2, gamma: 0.5 } };
    expect([0, 19, 20, 39, 40, 99].map((step) => learningRate(step, s))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.0625]);
  });
  it("follows a half cosine from lr to minLr after warm-up", () => {
    const s = { ...common, warmupSteps: 10, schedule: { type: "cosine" as const, minLr: 0.1 } };
    expect(learningRate(10, s)).toBeCloseTo(1, 10);
    expect(learningRate(55, s)).toBeCloseTo(0.55, 10);
    expect(learningRate(100, s)).toBeCloseTo(0.1, 10);
  });
});
