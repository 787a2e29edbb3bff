// The fused inference path (recurrent-fused.ts): that it runs in inference and
// gives the differentiable loop's values for every attribute combination that
// loop supports, that it needs far fewer tfjs kernels, and that training (a
// gradient being recorded) still goes through the tf-op loop.
import { afterEach, describe, expect, it } from "vitest";
import type { Graph, Tensor } from "../../../graph/types.js";
import { BATCH, HIDDEN, type RecurrentCase as Case, caseLabel as label, recurrentGraph } from "../../../../test/helpers/recurrent-graph.js";
import { compareOutputs } from "../../compare.js";
import { compile } from "../compile.js";
import { tf } from "../tf.js";
import { recurrentFusion } from "./recurrent-fused.js";

const DEFAULT_LIMIT = recurrentFusion.maxStepMacs;

const CASES: Case[] = [
  { kind: "LSTM", direction: "forward" },
  { kind: "LSTM", direction: "reverse", initialStates: true, noBias: true },
  { kind: "LSTM", direction: "bidirectional", initialStates: true, peepholes: true, attrs: { clip: 0.8 } },
  { kind: "LSTM", direction: "bidirectional", layout: 1, initialStates: true, peepholes: true },
  { kind: "LSTM", direction: "forward", attrs: { activations: ["HardSigmoid", "Softsign", "Elu"], activation_alpha: [0.3, 0.7], activation_beta: [0.4] } },
  { kind: "GRU", direction: "forward", initialStates: true },
  { kind: "GRU", direction: "reverse", noBias: true, attrs: { clip: 0.5 } },
  { kind: "GRU", direction: "bidirectional", initialStates: true, attrs: { linear_before_reset: 1 } },
  { kind: "GRU", direction: "bidirectional", layout: 1, initialStates: true, attrs: { linear_before_reset: 1, clip: 0.7 } },
  {
    kind: "GRU",
    direction: "bidirectional",
    attrs: { activations: ["Sigmoid", "ScaledTanh", "LeakyRelu", "Softplus"], activation_alpha: [1.3, 0.2], activation_beta: [0.6] },
  },
  { kind: "RNN", direction: "bidirectional", initialStates: true },
  { kind: "RNN", direction: "forward", layout: 1, attrs: { activations: ["Relu"] } },
  { kind: "RNN", direction: "forward", attrs: { activations: ["Affine"], activation_alpha: [0.5], activation_beta: [0.1] } },
  { kind: "RNN", direction: "reverse", attrs: { activations: ["ThresholdedRelu"], activation_alpha: [0.2] } },
];

/** Runs the graph with fusion on or off, returning the outputs and how many times the fused path ran. */
async function runWith(graph: Graph, feeds: Record<string, Tensor>, fused: boolean, backend: "cpu" | "wasm"): Promise<{ out: Record<string, Tensor>; runs: number }> {
  recurrentFusion.maxStepMacs = fused ? DEFAULT_LIMIT : 0;
  const compiled = await compile(graph, { backend });
  try {
    const before = recurrentFusion.runs;
    const out = await compiled.run(feeds);
    return { out, runs: recurrentFusion.runs - before };
  } finally {
    compiled.dispose();
  }
}

afterEach(() => {
  recurrentFusion.maxStepMacs = DEFAULT_LIMIT;
});

describe("fused recurrent inference gives the differentiable loop's values", () => {
  for (const backend of ["wasm", "cpu"] as const) {
    for (const c of CASES) {
      it(`${backend}: ${label(c)}`, async () => {
        const { graph, feeds } = recurrentGraph(c);
        const fused = await runWith(graph, feeds, true, backend);
        const loop = await runWith(graph, feeds, false, backend);
        expect(fused.runs).toBe(1);
        expect(loop.runs).toBe(0);
        const diffs = compareOutputs(fused.out, loop.out);
        expect(diffs.map((d) => d.name).sort()).toEqual(c.kind === "LSTM" ? ["Y", "Y_c", "Y_h"] : ["Y", "Y_h"]);
        for (const d of diffs) {
          expect(d.mismatch, d.name).toBeUndefined();
          expect(d.maxRel, `${d.name} (scale ${d.scale})`).toBeLessThan(1e-5);
        }
      });
    }
  }
});

describe("fused recurrent inference", () => {
  it("runs far fewer tfjs kernels than the per-step loop", async () => {
    const { graph, feeds } = recurrentGraph({ kind: "LSTM", direction: "bidirectional", initialStates: true, peepholes: true });
    const kernels = async (fused: boolean) => {
      recurrentFusion.maxStepMacs = fused ? DEFAULT_LIMIT : 0;
      const compiled = await compile(graph, { backend: "wasm" });
      try {
        const tfFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tf.tensor(t.data as Float32Array, [...t.dims])]));
        const info = await tf.profile(() => Object.values(compiled.forward(tfFeeds)));
        Object.values(tfFeeds).forEach((t) => t.dispose());
        return info.kernels.length;
      } finally {
        compiled.dispose();
      }
    };
    const [fused, loop] = [await kernels(true), await kernels(false)];
    // The loop: ~10 kernels per step and direction (2 × 5 steps here); the fused path a handful in all.
    expect(loop).toBeGreaterThan(80);
    expect(fused).toBeLessThan(15);
  });

  it("is skipped above the size limit", async () => {
    const { graph, feeds } = recurrentGraph({ kind: "GRU", direction: "forward" });
    recurrentFusion.maxStepMacs = BATCH * 3 * HIDDEN * HIDDEN - 1;
    const compiled = await compile(graph, { backend: "cpu" });
    try {
      const before = recurrentFusion.runs;
      await compiled.run(feeds);
      expect(recurrentFusion.runs).toBe(before);
    } finally {
      compiled.dispose();
    }
  });

  it("leaves training to the differentiable loop: gradients flow while recording, and the fused path does not run", async () => {
    const { graph, feeds } = recurrentGraph({ kind: "GRU", direction: "bidirectional", initialStates: true, attrs: { linear_before_reset: 1 } });
    const compiled = await compile(graph, { backend: "cpu" });
    try {
      const tfFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tf.tensor(t.data as Float32Array, [...t.dims])]));
      const loss = () => tf.tidy(() => tf.sum(tf.square(compiled.forward(tfFeeds).Y!)) as tf.Scalar);
      const before = recurrentFusion.runs;
      const { value, grads } = tf.variableGrads(loss);
      expect(recurrentFusion.runs).toBe(before);
      const r = compiled.variables.get("R")!;
      const analytic = grads[r.name]!.dataSync();
      expect(analytic.some((g) => g !== 0)).toBe(true);
      // Outside the tape the fused path runs and gives the same loss.
      const inference = loss().dataSync()[0] as number;
      expect(recurrentFusion.runs).toBe(before + 1);
      expect(Math.abs(inference - (value.dataSync()[0] as number))).toBeLessThan(1e-4);
      // A finite difference through the fused forward agrees with the loop's gradient.
      const values = r.dataSync().slice();
      const i = 5;
      const eps = 1e-2;
      const at = (delta: number) => {
        const shifted = values.slice();
        shifted[i] = (values[i] as number) + delta;
        r.assign(tf.tensor(shifted, r.shape));
        return loss().dataSync()[0] as number;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      r.assign(tf.tensor(values, r.shape));
      expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
    } finally {
      compiled.dispose();
    }
  });
});
