// The LSTM recurrence on our wasm kernel (lstm.ts): onnxruntime's values for
// the cases it takes (directions, batch-first, initial states, no bias,
// batches not a multiple of 4, saturating gates), and the JS loop for those
// it does not (peepholes, clip, other activations, hidden sizes not in fours).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectMatchesOrt } from "../../../../test/helpers/expect-matches-ort.js";
import { caseLabel, type RecurrentCase, recurrentGraph } from "../../../../test/helpers/recurrent-graph.js";
import type { Tensor } from "../../../graph/types.js";
import { compareOutputs } from "../../compare.js";
import { initBackend } from "../backends.js";
import { compile } from "../compile.js";
import { lstmKernel } from "./lstm.js";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  lstmKernel.enabled = true;
});

async function runWasm(c: RecurrentCase): Promise<{ runs: number; out: Record<string, Tensor> }> {
  const { graph, feeds } = recurrentGraph(c);
  const compiled = await compile(graph, { backend: "wasm" });
  try {
    const before = lstmKernel.runs;
    const out = await compiled.run(feeds);
    return { runs: lstmKernel.runs - before, out };
  } finally {
    compiled.dispose();
  }
}

const kernelRuns = async (c: RecurrentCase) => (await runWasm(c)).runs;

const TAKEN: RecurrentCase[] = [
  { kind: "LSTM", direction: "forward", hidden: 8 },
  { kind: "LSTM", direction: "reverse", hidden: 8, initialStates: true, noBias: true },
  { kind: "LSTM", direction: "bidirectional", hidden: 12, batch: 5, initialStates: true },
  // Inputs up to ±40: gates saturate, e^x is clamped.
  { kind: "LSTM", direction: "forward", hidden: 8, inputScale: 40 },
];

describe("LSTM on our wasm kernel matches onnxruntime", () => {
  for (const c of TAKEN) {
    it(`${caseLabel(c)}, hidden ${c.hidden}, batch ${c.batch ?? 3}${c.inputScale ? `, inputs ±${c.inputScale}` : ""}`, async () => {
      expect(await kernelRuns(c)).toBe(1);
      const { graph, feeds } = recurrentGraph(c);
      await expectMatchesOrt(graph, feeds, { rtol: 1e-4 });
    });
  }
});

// onnxruntime has no batch-first (layout 1) LSTM: compared with our JS loop, itself checked against
// onnxruntime through layout 0 in ops/recurrent.test.ts.
describe("batch-first LSTM on our wasm kernel matches the JS loop", () => {
  const cases: RecurrentCase[] = [
    { kind: "LSTM", direction: "bidirectional", hidden: 4, batch: 1, layout: 1, initialStates: true },
    { kind: "LSTM", direction: "forward", hidden: 8, batch: 9, layout: 1 },
  ];
  for (const c of cases) {
    it(`${caseLabel(c)}, hidden ${c.hidden}, batch ${c.batch}`, async () => {
      const ours = await runWasm(c);
      expect(ours.runs).toBe(1);
      lstmKernel.enabled = false;
      const loop = await runWasm(c);
      expect(loop.runs).toBe(0);
      for (const d of compareOutputs(ours.out, loop.out)) {
        expect(d.mismatch, d.name).toBeUndefined();
        expect(d.maxRel, d.name).toBeLessThan(1e-5);
      }
    });
  }
});

describe("LSTM cases left to the JS loop", () => {
  const refused: [string, RecurrentCase][] = [
    ["peepholes", { kind: "LSTM", direction: "forward", hidden: 8, peepholes: true }],
    ["clip", { kind: "LSTM", direction: "forward", hidden: 8, attrs: { clip: 0.5 } }],
    ["named activations", { kind: "LSTM", direction: "forward", hidden: 8, attrs: { activations: ["Sigmoid", "Tanh", "Tanh"] } }],
    ["a hidden size not a multiple of 4", { kind: "LSTM", direction: "forward", hidden: 6 }],
  ];
  for (const [why, c] of refused) {
    it(why, async () => {
      expect(await kernelRuns(c)).toBe(0);
      const { graph, feeds } = recurrentGraph(c);
      await expectMatchesOrt(graph, feeds, { rtol: 1e-4 });
    });
  }
});
