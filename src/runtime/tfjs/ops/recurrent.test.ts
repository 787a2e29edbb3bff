// RNN/GRU/LSTM against onnxruntime where ONNX's node tests say little:
// bidirectional, initial states, batch-first layout, biases, peepholes,
// linear_before_reset, clip. Plus a finite-difference check that gradients
// flow through the time loop.
import { describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { GraphBuilder } from "../../../graph/builder.js";
import { float32 } from "../../../graph/tensor.js";
import type { Graph, Tensor } from "../../../graph/types.js";
import { seededRandom } from "../../../random.js";
import { tf } from "../tf.js";
import { compile } from "../compile.js";
import { runOrt } from "../../ort.js";
import { compareOutputs } from "../../compare.js";

const SEQ = 5;
const BATCH = 3;
const INPUT = 4;
const HIDDEN = 6;
const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;
type Kind = keyof typeof GATES;

function random(dims: number[], seed: number, scale = 0.5): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale));
}

interface Case {
  readonly kind: Kind;
  readonly direction: "forward" | "reverse" | "bidirectional";
  readonly layout?: 0 | 1;
  readonly initialStates?: boolean;
  readonly peepholes?: boolean;
  readonly attrs?: Record<string, number | string | number[] | string[]>;
}

/** A one-node graph; X and the initial states are inputs, weights initializers. */
function recurrentGraph(c: Case): { graph: Graph; feeds: Record<string, Tensor> } {
  const dirs = c.direction === "bidirectional" ? 2 : 1;
  const g = GATES[c.kind];
  const batchFirst = c.layout === 1;
  const b = new GraphBuilder({ name: `${c.kind}_${c.direction}`, opset: 14 });
  const x = b.input("X", "float32", batchFirst ? [BATCH, SEQ, INPUT] : [SEQ, BATCH, INPUT]);
  const w = b.initializer("W", random([dirs, g * HIDDEN, INPUT], 1));
  const r = b.initializer("R", random([dirs, g * HIDDEN, HIDDEN], 2));
  const bias = b.initializer("B", random([dirs, 2 * g * HIDDEN], 3));
  const stateDims = batchFirst ? [BATCH, dirs, HIDDEN] : [dirs, BATCH, HIDDEN];
  const feeds: Record<string, Tensor> = { X: random(batchFirst ? [BATCH, SEQ, INPUT] : [SEQ, BATCH, INPUT], 4, 1) };
  const inputs = [x, w, r, bias, ""];
  if (c.initialStates) {
    inputs.push(b.input("initial_h", "float32", stateDims));
    feeds.initial_h = random(stateDims, 5, 1);
    if (c.kind === "LSTM") {
      inputs.push(b.input("initial_c", "float32", stateDims));
      feeds.initial_c = random(stateDims, 6, 1);
    }
  }
  if (c.peepholes) {
    while (inputs.length < 7) inputs.push("");
    inputs.push(b.initializer("P", random([dirs, 3 * HIDDEN], 7)));
  }
  const outputs = b.node(
    c.kind,
    inputs,
    { direction: c.direction, hidden_size: HIDDEN, layout: c.layout ?? 0, ...c.attrs },
    { outputs: c.kind === "LSTM" ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"] },
  );
  for (const o of outputs) b.output(o);
  return { graph: b.build(), feeds };
}

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
    const label = `${c.kind} ${c.direction}${c.layout === 1 ? " batch-first" : ""}${c.initialStates ? " with initial states" : ""}` +
      `${c.peepholes ? " with peepholes" : ""}${c.attrs ? ` ${JSON.stringify(c.attrs)}` : ""}`;
    it(label, async () => {
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
