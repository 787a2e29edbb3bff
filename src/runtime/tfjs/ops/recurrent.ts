// RNN, GRU and LSTM (opset 7; layout from 14). Input projections for all time
// steps are one matMul; each step is a matMul with the recurrence weights.
// W and R arrive transposed ([dirs, in, gates·H], see inputLayouts): weights
// are converted once at compile time, and the loop never uses matMul's
// transpose flags.
// Everything is plain tf ops, so gradients flow through time. In inference at
// small sizes recurrent-fused.ts runs the recurrence in JS instead.
import { tf } from "../tf.js";
import { intsOf, required, shapeError, unsupportedFeature } from "./args.js";
import { type Activation, resolveActivations } from "./recurrent-activations.js";
import { runRecurrentFused, type RecurrentAttrs } from "./recurrent-fused.js";
import { GRU, LSTM, RNN } from "../../../graph/ops/recurrent.js";
import { implement, type InputLayout, type OpContext, type OpEntry } from "./types.js";

type Kind = "RNN" | "GRU" | "LSTM";
const GATES: Readonly<Record<Kind, number>> = Object.freeze({ RNN: 1, GRU: 3, LSTM: 4 });
const DEFAULT_ACTIVATIONS: Readonly<Record<Kind, readonly string[]>> = Object.freeze({
  RNN: ["Tanh"],
  GRU: ["Sigmoid", "Tanh"],
  LSTM: ["Sigmoid", "Tanh", "Tanh"],
});
const DIRECTIONS = ["forward", "reverse", "bidirectional"] as const;

/** One direction's weights, already in the orientation the loop multiplies by. */
interface DirectionWeights {
  /** Input projection for every step: [seq, batch, gates·H], biases folded in. */
  readonly projected: tf.Tensor[];
  /** Recurrence weights transposed: [H, gates·H]. */
  readonly rT: tf.Tensor;
  /** LSTM peepholes i, o, f, each [H], or undefined. */
  readonly peep?: tf.Tensor[];
  /**
   * GRU: `projected` holds only the update/reset part [batch, 2H] per step and
   * `xh` the candidate part [batch, H]; rT split the same way ([H, 2H], [H, H]);
   * bH the candidate's recurrence bias.
   */
  readonly gru?: { readonly rZr: tf.Tensor; readonly rH: tf.Tensor; readonly bH: tf.Tensor; readonly xh: tf.Tensor[] };
}

interface State {
  h: tf.Tensor;
  c?: tf.Tensor;
}

/** One time step `t`: the new state from the old one. */
type Step = (t: number, s: State, w: DirectionWeights, act: Activation[]) => State;

function clipper(clip: number | undefined): (t: tf.Tensor) => tf.Tensor {
  return clip === undefined ? (t) => t : (t) => tf.clipByValue(t, -clip, clip);
}

function steps(kind: Kind, attrs: RecurrentAttrs): Step {
  const clip = clipper(attrs.clip);
  const split = (t: tf.Tensor, n: number) => tf.split(t, n, 1);
  if (kind === "RNN") {
    return (t, s, w, [f]) => ({ h: (f as Activation)(clip(tf.add(w.projected[t]!, tf.matMul(s.h, w.rT)))) });
  }
  if (kind === "GRU") {
    const linearBeforeReset = attrs.linear_before_reset === 1;
    // Every call below is a tfjs op with a fixed dispatch cost that dominates
    // at these sizes: both gates share one add and one activation call, and
    // (1 - z)·c + z·h is written c + z·(h - c), one op fewer.
    return (t, s, w, [f, g]) => {
      const { rZr, rH, bH, xh } = w.gru as NonNullable<DirectionWeights["gru"]>;
      const zr = (f as Activation)(clip(tf.add(w.projected[t]!, tf.matMul(s.h, rZr))));
      const [z, r] = split(zr, 2) as [tf.Tensor, tf.Tensor];
      const recurrent = linearBeforeReset ? tf.mul(r, tf.fused.matMul({ a: s.h, b: rH, bias: bH })) : tf.matMul(tf.mul(r, s.h), rH);
      const candidate = (g as Activation)(clip(tf.add(xh[t]!, recurrent)));
      return { h: tf.add(candidate, tf.mul(z, tf.sub(s.h, candidate))) };
    };
  }
  return (t, s, w, [f, g, h]) => {
    const c = s.c as tf.Tensor;
    const [gi, go, gf, gc] = split(tf.add(w.projected[t]!, tf.matMul(s.h, w.rT)), 4) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [pi, po, pf] = w.peep ?? [];
    const peep = (gate: tf.Tensor, p: tf.Tensor | undefined, cell: tf.Tensor) => (p === undefined ? gate : tf.add(gate, tf.mul(p, cell)));
    const i = (f as Activation)(clip(peep(gi, pi, c)));
    const forget = (f as Activation)(clip(peep(gf, pf, c)));
    const cell = tf.add(tf.mul(forget, c), tf.mul(i, (g as Activation)(clip(gc))));
    const o = (f as Activation)(clip(peep(go, po, cell)));
    return { h: tf.mul(o, (h as Activation)(cell)), c: cell };
  };
}

/** Row d of a [directions, …] tensor. */
function row(t: tf.Tensor, d: number): tf.Tensor {
  return tf.squeeze(tf.slice(t, [d], [1]), [0]);
}

function directionWeights(kind: Kind, x: tf.Tensor, inputs: readonly (tf.Tensor | undefined)[], d: number, hidden: number, attrs: RecurrentAttrs): DirectionWeights {
  const gates = GATES[kind] * hidden;
  const [seq, batch, size] = x.shape as [number, number, number];
  const wT = row(inputs[1] as tf.Tensor, d);
  const rT = row(inputs[2] as tf.Tensor, d);
  const b = inputs[3];
  const [wBias, rBias] = b === undefined ? [tf.zeros([gates]), tf.zeros([gates])] : tf.split(row(b, d), 2);
  // Both biases add before the activations, except GRU's candidate recurrence bias under linear_before_reset, which sits inside the reset product.
  const apart = kind === "GRU" && attrs.linear_before_reset === 1;
  const foldedRBias = apart ? tf.concat([tf.slice(rBias as tf.Tensor, [0], [2 * hidden]), tf.zeros([hidden])]) : (rBias as tf.Tensor);
  const inputBias = tf.add(wBias as tf.Tensor, foldedRBias);
  const projected = tf.add(tf.matMul(tf.reshape(x, [seq * batch, size]), wT), inputBias);
  const p = inputs[7];
  const [rZr, rH] = kind === "GRU" ? tf.split(rT, [2 * hidden, hidden], 1) : [];
  const perStep = tf.reshape(projected, [seq, batch, gates]);
  // GRU's candidate input is used apart from the gates: split once here, not per step.
  const [xZr, xH] = kind === "GRU" ? tf.split(perStep, [2 * hidden, hidden], 2) : [perStep];
  return {
    gru: kind === "GRU" ? { rZr: rZr as tf.Tensor, rH: rH as tf.Tensor, bH: tf.slice(rBias as tf.Tensor, [2 * hidden], [hidden]), xh: tf.unstack(xH as tf.Tensor) } : undefined,
    projected: tf.unstack(xZr as tf.Tensor),
    rT,
    peep: kind === "LSTM" && p !== undefined ? tf.split(row(p, d), 3) : undefined,
  };
}

function checkSequenceLengths(inputs: readonly (tf.Tensor | undefined)[], seq: number, ctx: OpContext): void {
  const lengths = intsOf(inputs, 4, ctx);
  if (lengths !== undefined && lengths.some((l) => l !== seq)) {
    throw unsupportedFeature(ctx, `sequence_lens [${lengths.join(", ")}] shorter than the sequence (${seq})`);
  }
}

function runRecurrent(kind: Kind, inputs: readonly (tf.Tensor | undefined)[], attrs: RecurrentAttrs, ctx: OpContext): tf.Tensor[] {
  const batchFirst = attrs.layout === 1;
  const xIn = required(inputs, 0, ctx, "X");
  const w = required(inputs, 1, ctx, "W");
  required(inputs, 2, ctx, "R");
  const direction = attrs.direction;
  if (!(DIRECTIONS as readonly string[]).includes(direction)) throw shapeError(ctx, `direction must be one of [${DIRECTIONS.join(", ")}], got "${direction}"`);
  if (kind === "LSTM" && attrs.input_forget === 1) throw unsupportedFeature(ctx, "input_forget=1");
  const directions = direction === "bidirectional" ? 2 : 1;
  if (w.shape[0] !== directions) throw shapeError(ctx, `W has ${w.shape[0]} directions, direction "${direction}" needs ${directions}`);
  const hidden = attrs.hidden_size ?? (inputs[2] as tf.Tensor).shape[1];
  if (hidden === undefined) throw shapeError(ctx, "cannot tell hidden_size: give the attribute or a rank-3 R");
  const activationAttrs = { names: attrs.activations, alphas: attrs.activation_alpha, betas: attrs.activation_beta };
  const activations = resolveActivations(activationAttrs, DEFAULT_ACTIVATIONS[kind], directions, ctx);
  // Inference at small sizes: the whole recurrence in JS (recurrent-fused.ts).
  const fused = runRecurrentFused({ kind, inputs, attrs, ctx, hidden, directions, activations: activationAttrs, defaultActivations: DEFAULT_ACTIVATIONS[kind] });
  if (fused) return keepWanted(fused, ctx);
  const step = steps(kind, attrs);
  const outputs = tf.tidy(() => {
    const x = batchFirst ? tf.transpose(xIn, [1, 0, 2]) : xIn;
    const [seq, batch] = x.shape as [number, number];
    checkSequenceLengths(inputs, seq, ctx);
    const initial = (i: number) => {
      const t = inputs[i];
      return t === undefined ? undefined : batchFirst ? tf.transpose(t, [1, 0, 2]) : t;
    };
    const [h0, c0] = [initial(5), initial(6)];
    const ys: tf.Tensor[] = [];
    const lastH: tf.Tensor[] = [];
    const lastC: tf.Tensor[] = [];
    for (let d = 0; d < directions; d++) {
      const weights = directionWeights(kind, x, inputs, d, hidden, attrs);
      const zeros = tf.zeros([batch, hidden]);
      let state: State = { h: h0 ? row(h0, d) : zeros, c: kind === "LSTM" ? (c0 ? row(c0, d) : zeros) : undefined };
      const perStep = new Array<tf.Tensor>(seq);
      const reverse = direction === "reverse" || d === 1;
      for (let k = 0; k < seq; k++) {
        const t = reverse ? seq - 1 - k : k;
        state = step(t, state, weights, activations[d] as Activation[]);
        perStep[t] = state.h;
      }
      ys.push(seq === 0 ? tf.zeros([0, batch, hidden]) : tf.stack(perStep));
      lastH.push(state.h);
      if (state.c) lastC.push(state.c);
    }
    const y = tf.stack(ys, 1); // [seq, directions, batch, H]
    const yH = tf.stack(lastH); // [directions, batch, H]
    const yC = kind === "LSTM" ? tf.stack(lastC) : undefined;
    if (!batchFirst) return yC ? [y, yH, yC] : [y, yH];
    const toBatchFirst = (t: tf.Tensor) => tf.transpose(t, [1, 0, 2]);
    const yB = tf.transpose(y, [2, 0, 1, 3]);
    return yC ? [yB, toBatchFirst(yH), toBatchFirst(yC)] : [yB, toBatchFirst(yH)];
  });
  return keepWanted(outputs, ctx);
}

/** The outputs the node names; the rest are disposed. */
function keepWanted(outputs: tf.Tensor[], ctx: OpContext): tf.Tensor[] {
  const wanted = ctx.node.outputs.length;
  outputs.slice(wanted).forEach((t) => t.dispose());
  return outputs.slice(0, wanted);
}

/** ONNX's [dirs, gates·H, in] weights held as [dirs, in, gates·H], ready for x·Wᵀ as a plain matMul. */
const GATES_LAST: InputLayout = {
  toBackend: (w) => tf.transpose(w, [0, 2, 1]),
  toOnnx: (w) => tf.transpose(w, [0, 2, 1]),
};
const WEIGHT_LAYOUTS = { 1: GATES_LAST, 2: GATES_LAST } as const;

const VERSIONS = { RNN, GRU, LSTM } as const;

function entries(kind: Kind): OpEntry[] {
  const impl = {
    inputLayouts: WEIGHT_LAYOUTS,
    run: (inputs: readonly (tf.Tensor | undefined)[], attrs: RecurrentAttrs, ctx: OpContext) => runRecurrent(kind, inputs, attrs, ctx),
  };
  return [implement(VERSIONS[kind][7], impl), implement(VERSIONS[kind][14], impl)];
}

export const RECURRENT_OPS: readonly OpEntry[] = [...entries("RNN"), ...entries("GRU"), ...entries("LSTM")];
