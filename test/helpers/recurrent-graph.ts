// One-node RNN/GRU/LSTM graphs with seeded weights, shared by the recurrent op
// tests (against onnxruntime) and the fused-path tests (against the loop).
import { GraphBuilder } from "../../src/graph/builder.js";
import { float32 } from "../../src/graph/tensor.js";
import type { Graph, Tensor } from "../../src/graph/types.js";
import { seededRandom } from "../../src/core/random.js";

export const SEQ = 5;
export const BATCH = 3;
const BATCH_DEFAULT = BATCH;
export const INPUT = 4;
export const HIDDEN = 6;
const HIDDEN_DEFAULT = HIDDEN;
export const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;
export type RecurrentKind = keyof typeof GATES;

/** Uniform values in ±scale, the same for the same seed. */
export function randomTensor(dims: number[], seed: number, scale = 0.5): Tensor<"float32"> {
  const next = seededRandom(seed);
  return float32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale));
}

export interface RecurrentCase {
  readonly kind: RecurrentKind;
  readonly direction: "forward" | "reverse" | "bidirectional";
  readonly layout?: 0 | 1;
  readonly initialStates?: boolean;
  readonly peepholes?: boolean;
  readonly noBias?: boolean;
  readonly attrs?: Record<string, number | string | number[] | string[]>;
  /** Default HIDDEN. */
  readonly hidden?: number;
  /** Default BATCH. */
  readonly batch?: number;
  /** Scale of the random inputs (default 1.5). */
  readonly inputScale?: number;
}

export function caseLabel(c: RecurrentCase): string {
  return `${c.kind} ${c.direction}${c.layout === 1 ? " batch-first" : ""}${c.initialStates ? " +states" : ""}${c.peepholes ? " +peepholes" : ""}` +
    `${c.noBias ? " no bias" : ""}${c.attrs ? ` ${JSON.stringify(c.attrs)}` : ""}`;
}

/** A one-node graph; X and the initial states are inputs, weights initializers. */
export function recurrentGraph(c: RecurrentCase): { graph: Graph; feeds: Record<string, Tensor> } {
  const HIDDEN = c.hidden ?? HIDDEN_DEFAULT;
  const BATCH = c.batch ?? BATCH_DEFAULT;
  const dirs = c.direction === "bidirectional" ? 2 : 1;
  const g = GATES[c.kind];
  const batchFirst = c.layout === 1;
  const b = new GraphBuilder({ name: `${c.kind}_${c.direction}`, opset: 14 });
  const xDims = batchFirst ? [BATCH, SEQ, INPUT] : [SEQ, BATCH, INPUT];
  const x = b.input("X", "float32", xDims);
  const w = b.initializer("W", randomTensor([dirs, g * HIDDEN, INPUT], 1));
  // R a little larger than W so the recurrence, not just the input, shapes the states.
  const r = b.initializer("R", randomTensor([dirs, g * HIDDEN, HIDDEN], 2, 0.8));
  const inputs = [x, w, r, c.noBias ? "" : b.initializer("B", randomTensor([dirs, 2 * g * HIDDEN], 3)), ""];
  const stateDims = batchFirst ? [BATCH, dirs, HIDDEN] : [dirs, BATCH, HIDDEN];
  const feeds: Record<string, Tensor> = { X: randomTensor(xDims, 4, c.inputScale ?? 1.5) };
  if (c.initialStates) {
    inputs.push(b.input("initial_h", "float32", stateDims));
    feeds.initial_h = randomTensor(stateDims, 5, 1);
    if (c.kind === "LSTM") {
      inputs.push(b.input("initial_c", "float32", stateDims));
      feeds.initial_c = randomTensor(stateDims, 6, 1);
    }
  }
  if (c.peepholes) {
    while (inputs.length < 7) inputs.push("");
    inputs.push(b.initializer("P", randomTensor([dirs, 3 * HIDDEN], 7)));
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
