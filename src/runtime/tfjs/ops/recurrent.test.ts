// RNN/GRU/LSTM against onnxruntime where ONNX's node tests say little:
// bidirectional, initial states, batch-first layout, biases, peepholes,
// linear_before_reset, clip. Plus a finite-difference check that gradients
// flow through the time loop.
import { describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32 } from "../../../graph/tensor.js";
import type { Tensor } from "../../../graph/types.js";
import {
  BATCH, HIDDEN, INPUT, SEQ, type RecurrentCase as Case, caseLabel, randomTensor as random, recurrentGraph,
} from "../../../../test/helpers/recurrent-graph.js";
import { tf } from "../tf.js";
import { compile } from "../compile.js";
import { runOrt } from "../../ort.js";
import { compareOutputs } from "../../compare.js";

const CASES: Case[] = [
  { kind: "LSTM", direction: "forward" },
  { kind: "LSTM", direction: "reverse", initialStates: true },
  { kind: "LSTM", direction: "bidirectional", initialStates: true },
  { kind: "LSTM", direction: "bidirectional", initialStates: true, peepholes: true, attrs: { clip: 0.8 } },
  { kind: "GRU", direction: "forward", initialStates: true },
  { kind: "GRU", direction: "bidirectional", initialStates: true },
  { kind: "GRU", direction: "bidirectional", initialStates: true, attrs: { linear_before_reset: 1 } },
  { kind: "RNN", direction: "bidirectional", initialStates: true },
  { kind: "RNN", direction: "forward", attrs: { activations: ["Relu"] } },
];

describe("recurrent ops match onnxruntime", () => {
  for (const c of CASES) {
    it(caseLabel(c), async () => {
      const { graph, feeds } = recurrentGraph(c);
      const { tfjs } = await expectMatchesOrt(graph, feeds, { rtol: 1e-4 });
      const dirs = c.direction === "bidirectional" ? 2 : 1;
      expect(tfjs.Y!.dims).toEqual(c.layout === 1 ? [BATCH, SEQ, dirs, HIDDEN] : [SEQ, dirs, BATCH, HIDDEN]);
    });
  }
});

/** A tensor with its axes permuted (numpy's transpose), for comparing layouts. */
function permute(t: Tensor, perm: number[]): Tensor {
  const dims = perm.map((p) => t.dims[p]!);
  const strides = t.dims.map((_, i) => t.dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  const index = dims.map(() => 0);
  for (let k = 0; k < out.length; k++) {
    out[k] = src[index.reduce((acc, v, i) => acc + v * strides[perm[i]!]!, 0)]!;
    for (let i = dims.length - 1; i >= 0 && ++index[i]! === dims[i]; i--) index[i] = 0;
  }
  return float32(dims, out);
}

describe("batch-first layout (onnxruntime has none: compared with layout 0 on onnxruntime)", () => {
  for (const c of [
    { kind: "LSTM", direction: "bidirectional", initialStates: true, peepholes: true },
    { kind: "GRU", direction: "bidirectional", initialStates: true, attrs: { linear_before_reset: 1 } },
  ] satisfies Case[]) {
    it(`${c.kind} ${c.direction} layout 1`, async () => {
      const seqFirst = recurrentGraph({ ...c, layout: 0 });
      const batchFirst = recurrentGraph({ ...c, layout: 1 });
      const reference = await runOrt(seqFirst.graph, seqFirst.feeds);
      const compiled = await compile(batchFirst.graph, { backend: "wasm" });
      try {
        // The same values, batch-first: X [batch, seq, in], states [batch, dirs, H].
        const feeds = Object.fromEntries(Object.entries(seqFirst.feeds).map(([name, t]) => [name, permute(t, [1, 0, 2])]));
        const got = await compiled.run(feeds);
        const expected: Record<string, Tensor> = {};
        for (const [name, t] of Object.entries(reference)) expected[name] = name === "Y" ? permute(t, [2, 0, 1, 3]) : permute(t, [1, 0, 2]);
        for (const d of compareOutputs(got, expected)) {
          expect(d.mismatch).toBeUndefined();
          expect(d.maxRel, d.name).toBeLessThan(1e-4);
        }
      } finally {
        compiled.dispose();
      }
    });
  }
});

describe("recurrent ops", () => {
  it("differentiates through the time loop (finite differences on W and R)", async () => {
    const { graph, feeds } = recurrentGraph({ kind: "LSTM", direction: "bidirectional", initialStates: true });
    const compiled = await compile(graph, { backend: "cpu" });
    try {
      const tfFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tf.tensor(t.data as Float32Array, [...t.dims])]));
      const loss = () => tf.tidy(() => {
        const out = compiled.forward(tfFeeds);
        return tf.add(tf.sum(tf.mul(out.Y!, out.Y!)), tf.sum(out.Y_c!)) as tf.Scalar;
      });
      const { grads } = tf.variableGrads(loss);
      for (const name of ["W", "R"]) {
        const v = compiled.variables.get(name)!;
        const analytic = grads[v.name]!.dataSync();
        const values = v.dataSync().slice();
        // A few entries of the held (transposed) weight: the gradient is in the same layout.
        for (const i of [0, 7, values.length - 1]) {
          const eps = 1e-2;
          const at = (delta: number) => {
            const shifted = values.slice();
            shifted[i] = (values[i] as number) + delta;
            v.assign(tf.tensor(shifted, v.shape));
            return loss().dataSync()[0] as number;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          v.assign(tf.tensor(values, v.shape));
          expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
        }
      }
    } finally {
      compiled.dispose();
    }
  });

  it("refuses sequence_lens shorter than the sequence, naming the node", async () => {
    const b = new GraphBuilder({ name: "lens", opset: 14 });
    const x = b.input("X", "float32", [SEQ, BATCH, INPUT]);
    const w = b.initializer("W", random([1, 4 * HIDDEN, INPUT], 1));
    const r = b.initializer("R", random([1, 4 * HIDDEN, HIDDEN], 2));
    const lens = b.initializer("lens", { dtype: "int32", dims: [BATCH], data: Int32Array.from([SEQ, 2, SEQ]) });
    const [y] = b.node("LSTM", [x, w, r, "", lens], { hidden_size: HIDDEN }, { name: "encoder_lstm", outputs: ["Y"] });
    b.output(y!);
    const compiled = await compile(b.build(), { backend: "cpu" });
    try {
      await expect(compiled.run({ X: random([SEQ, BATCH, INPUT], 4) })).rejects.toThrow(/LSTM "encoder_lstm": sequence_lens \[5, 2, 5\]/);
    } finally {
      compiled.dispose();
    }
  });
});
