// Inference-only RNN/GRU/LSTM: the recurrence in plain TypeScript on
// Float32Arrays. The differentiable loop in recurrent.ts issues ~10 tfjs ops
// per time step and direction, and at small hidden sizes tfjs's fixed cost per
// op call, not arithmetic, is the whole latency. Here the input projection for
// every step and direction stays one tfjs matMul, read once with dataSync
// (a copy on cpu/wasm/tfjs-node), and the steps run in JS; Y, Y_h and Y_c are
// built at the end. Semantics mirror recurrent.ts exactly; anything it does not
// cover (and any time a gradient is being recorded) returns undefined, and the
// caller runs the differentiable loop instead.
import { tf } from "../tf.js";
import { lstmOnWasm } from "../kernels/lstm.js";
import { intsOf } from "./args.js";
import { type ActivationAttrs, type ScalarActivation, resolveScalarActivations } from "./recurrent-activations.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import type { RNN } from "../../../graph/ops/recurrent.js";
import type { OpContext } from "./types.js";

export type RecurrentKind = "RNN" | "GRU" | "LSTM";

/** What every RNN/GRU/LSTM version declares, and what some add (GRU, LSTM, opset 14). */
export type RecurrentAttrs = AttrValues<(typeof RNN)[7]["attributes"]> & {
  readonly linear_before_reset?: number;
  readonly input_forget?: number;
  readonly layout?: number;
};
const GATES: Readonly<Record<RecurrentKind, number>> = Object.freeze({ RNN: 1, GRU: 3, LSTM: 4 });

/**
 * The fused path's switch and counter, exported so tests can see which path
 * ran and measurements can compare both.
 */
export const recurrentFusion = {
  /**
   * Largest batch · gates·H · H (recurrent multiply-adds per step and
   * direction) run in JS; larger steps go to tfjs, whose SIMD matMul wins once
   * arithmetic outweighs the per-op cost. 0 turns fusion off. Measured on the
   * 2-vCPU machine (wasm, seq 10, fused time / loop time): LSTM H 128 batch 1
   * (65 536) 0.82, GRU H 64 batch 8 (98 304) 1.17, LSTM H 64 batch 8
   * (131 072) 1.01; below 65 536 every case measured was 0.16–0.65.
   */
  maxStepMacs: 65_536,
  /** How many times the fused path ran. */
  runs: 0,
};

/** Backends where dataSync is a memory copy, not a device readback. */
const HOST_BACKENDS: ReadonlySet<string> = new Set(["cpu", "wasm", "tensorflow"]);

export interface FusedRequest {
  readonly kind: RecurrentKind;
  readonly inputs: readonly (tf.Tensor | undefined)[];
  readonly attrs: RecurrentAttrs;
  readonly ctx: OpContext;
  readonly hidden: number;
  readonly directions: number;
  readonly activations: ActivationAttrs;
  readonly defaultActivations: readonly string[];
}

/** Dims of an optional input, or true when it is absent (nothing to check). */
function hasDims(t: tf.Tensor | undefined, dims: readonly number[]): boolean {
  return t === undefined || (t.dtype === "float32" && t.shape.length === dims.length && t.shape.every((d, i) => d === dims[i]));
}

/** Y, Y_h (and Y_c for LSTM) in the node's layout, or undefined when the fused path does not apply. */
export function runRecurrentFused(req: FusedRequest): tf.Tensor[] | undefined {
  const { kind, inputs, attrs, ctx, hidden: H, directions: dirs } = req;
  // Recording a gradient: the tape needs the tf-op loop.
  if (tf.engine().state.gradientDepth > 0 || recurrentFusion.maxStepMacs <= 0) return undefined;
  if (!HOST_BACKENDS.has(tf.getBackend())) return undefined;
  const [x, w, r, b] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
  if (x.dtype !== "float32" || x.rank !== 3) return undefined;
  const batchFirst = attrs.layout === 1;
  const [seq, batch, size] = (batchFirst ? [x.shape[1], x.shape[0], x.shape[2]] : x.shape) as [number, number, number];
  const G = GATES[kind] * H;
  if (seq === 0 || batch === 0 || batch * G * H > recurrentFusion.maxStepMacs) return undefined;
  const stateDims = batchFirst ? [batch, dirs, H] : [dirs, batch, H];
  const peepholes = kind === "LSTM" ? inputs[7] : undefined;
  const [h0, c0] = [inputs[5], kind === "LSTM" ? inputs[6] : undefined];
  const shapesFit =
    hasDims(w, [dirs, size, G]) && hasDims(r, [dirs, H, G]) && hasDims(b, [dirs, 2 * G]) &&
    hasDims(h0, stateDims) && hasDims(c0, stateDims) && hasDims(peepholes, [dirs, 3 * H]);
  if (!shapesFit) return undefined;
  // Shorter sequences are refused by the differentiable path with a clear error.
  const lengths = intsOf(inputs, 4, ctx);
  if (lengths !== undefined && lengths.some((l) => l !== seq)) return undefined;

  // One matMul for every step and direction: [1, N, in] · [dirs, in, G] → [dirs, N, G];
  // rows are in X's own order (t-major, or b-major when batch-first).
  const rows = seq * batch;
  const projected = tf.tidy(() => tf.matMul(tf.reshape(x, [1, rows, size]), w));
  // LSTM with default activations, no peepholes, no clip: the recurrence on our wasm kernel (../kernels/lstm.ts).
  if (kind === "LSTM" && req.activations.names === undefined && attrs.clip === undefined && peepholes === undefined) {
    const onWasm = lstmOnWasm({ projected, r, bias: b, h0, c0, seq, batch, hidden: H, dirs, batchFirst, reverseOnly: attrs.direction === "reverse" });
    if (onWasm) {
      projected.dispose();
      recurrentFusion.runs++;
      return onWasm;
    }
  }
  const proj = projected.dataSync() as Float32Array;
  projected.dispose();
  const spec: Loop = {
    kind, seq, batch, H, G, dirs, batchFirst, proj, rows,
    r: r.dataSync() as Float32Array,
    bias: b?.dataSync() as Float32Array | undefined,
    peep: peepholes?.dataSync() as Float32Array | undefined,
    h0: h0?.dataSync() as Float32Array | undefined,
    c0: c0?.dataSync() as Float32Array | undefined,
    clip: attrs.clip,
    linearBeforeReset: attrs.linear_before_reset === 1,
    reverseOnly: attrs.direction === "reverse",
    act: resolveScalarActivations(req.activations, req.defaultActivations, dirs, ctx),
  };
  const { y, yH, yC } = recurrence(spec);
  recurrentFusion.runs++;
  const outputs = [tf.tensor(y, batchFirst ? [batch, seq, dirs, H] : [seq, dirs, batch, H]), tf.tensor(yH, stateDims)];
  if (yC) outputs.push(tf.tensor(yC, stateDims));
  return outputs;
}

interface Loop {
  readonly kind: RecurrentKind;
  readonly seq: number;
  readonly batch: number;
  readonly H: number;
  readonly G: number;
  readonly dirs: number;
  readonly rows: number;
  readonly batchFirst: boolean;
  /** [dirs, rows, G] input projections, no bias. */
  readonly proj: Float32Array;
  /** [dirs, H, G]: recurrence weights, transposed (recurrent.ts's GATES_LAST layout). */
  readonly r: Float32Array;
  /** [dirs, 2G]: input biases then recurrence biases. */
  readonly bias?: Float32Array;
  /** [dirs, 3H]: LSTM peepholes i, o, f. */
  readonly peep?: Float32Array;
  readonly h0?: Float32Array;
  readonly c0?: Float32Array;
  readonly clip?: number;
  readonly linearBeforeReset: boolean;
  readonly reverseOnly: boolean;
  readonly act: ScalarActivation[][];
}

/** Index of (d, b, j) in a state tensor ([dirs, batch, H], or [batch, dirs, H] batch-first). */
function stateIndex(s: Loop, d: number, b: number, j: number): number {
  return (s.batchFirst ? b * s.dirs + d : d * s.batch + b) * s.H + j;
}

/** Direction d's recurrence weights as [G, H] rows (ONNX's orientation), so each gate is one contiguous dot product. */
function gateRows(r: Float32Array, d: number, H: number, G: number): Float32Array {
  const rows = new Float32Array(G * H);
  const base = d * H * G;
  for (let i = 0; i < H; i++) for (let j = 0; j < G; j++) rows[j * H + i] = r[base + i * G + j] as number;
  return rows;
}

/**
 * out[o + j] += Σᵢ v[vo + i] · w[(j0 + j)·H + i] for j < n. Four rows at a
 * time share each load of v: measured 1.3–1.5× faster than one row at a time
 * (node 20, H = 24).
 */
function addMatVec(out: Float64Array, o: number, w: Float32Array, j0: number, n: number, v: Float64Array, vo: number, H: number): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const b0 = (j0 + j) * H;
    const [b1, b2, b3] = [b0 + H, b0 + 2 * H, b0 + 3 * H];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < H; i++) {
      const x = v[vo + i] as number;
      s0 += x * (w[b0 + i] as number);
      s1 += x * (w[b1 + i] as number);
      s2 += x * (w[b2 + i] as number);
      s3 += x * (w[b3 + i] as number);
    }
    out[o + j] = (out[o + j] as number) + s0;
    out[o + j + 1] = (out[o + j + 1] as number) + s1;
    out[o + j + 2] = (out[o + j + 2] as number) + s2;
    out[o + j + 3] = (out[o + j + 3] as number) + s3;
  }
  for (; j < n; j++) {
    const base = (j0 + j) * H;
    let sum = 0;
    for (let i = 0; i < H; i++) sum += (v[vo + i] as number) * (w[base + i] as number);
    out[o + j] = (out[o + j] as number) + sum;
  }
}

function recurrence(s: Loop): { y: Float32Array; yH: Float32Array; yC?: Float32Array } {
  const { kind, seq, batch, H, G, dirs } = s;
  const y = new Float32Array(seq * dirs * batch * H);
  const yH = new Float32Array(dirs * batch * H);
  const yC = kind === "LSTM" ? new Float32Array(dirs * batch * H) : undefined;
  const clip = s.clip;
  const c = clip === undefined ? (v: number) => v : (v: number) => (v < -clip ? -clip : v > clip ? clip : v);
  const h = new Float64Array(batch * H);
  const cell = new Float64Array(batch * H);
  const acc = new Float64Array(G);
  const bias = new Float64Array(G);
  const rbh = new Float64Array(H);
  const gated = new Float64Array(H);
  for (let d = 0; d < dirs; d++) {
    // Both biases add before the activations, except GRU's candidate recurrence bias under linear_before_reset.
    for (let j = 0; j < G; j++) {
      const wb = s.bias ? (s.bias[d * 2 * G + j] as number) : 0;
      const rb = s.bias ? (s.bias[d * 2 * G + G + j] as number) : 0;
      const apart = kind === "GRU" && s.linearBeforeReset && j >= 2 * H;
      bias[j] = apart ? wb : wb + rb;
      if (apart) rbh[j - 2 * H] = rb;
    }
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < H; j++) {
        h[b * H + j] = s.h0 ? (s.h0[stateIndex(s, d, b, j)] as number) : 0;
        cell[b * H + j] = s.c0 ? (s.c0[stateIndex(s, d, b, j)] as number) : 0;
      }
    }
    const [f, g, hAct] = s.act[d] as [ScalarActivation, ScalarActivation?, ScalarActivation?];
    const rw = gateRows(s.r, d, H, G);
    const reverse = s.reverseOnly || d === 1;
    for (let k = 0; k < seq; k++) {
      const t = reverse ? seq - 1 - k : k;
      for (let b = 0; b < batch; b++) {
        const row = s.batchFirst ? b * seq + t : t * batch + b;
        const pBase = (d * s.rows + row) * G;
        const hb = b * H;
        // GRU's candidate columns take a different recurrent input: only the z/r columns here.
        const cols = kind === "GRU" ? 2 * H : G;
        for (let j = 0; j < G; j++) acc[j] = (s.proj[pBase + j] as number) + (bias[j] as number);
        addMatVec(acc, 0, rw, 0, cols, h, hb, H);
        const yBase = s.batchFirst ? ((b * seq + t) * dirs + d) * H : ((t * dirs + d) * batch + b) * H;
        if (kind === "RNN") {
          for (let j = 0; j < H; j++) h[hb + j] = f(c(acc[j] as number));
        } else if (kind === "GRU") {
          gruStep(s, acc, h, hb, rw, rbh, gated, f, g as ScalarActivation, c);
        } else {
          lstmStep(s, d, acc, h, cell, hb, f, g as ScalarActivation, hAct as ScalarActivation, c);
        }
        for (let j = 0; j < H; j++) y[yBase + j] = h[hb + j] as number;
      }
    }
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < H; j++) {
        yH[stateIndex(s, d, b, j)] = h[b * H + j] as number;
        if (yC) yC[stateIndex(s, d, b, j)] = cell[b * H + j] as number;
      }
    }
  }
  return { y, yH, yC };
}

/** z, r = f(…); candidate from r⊙h (or r⊙(h·Rh + Rbh) with linear_before_reset); h = c + z·(h − c). */
function gruStep(
  s: Loop, acc: Float64Array, h: Float64Array, hb: number, rw: Float32Array, rbh: Float64Array, gated: Float64Array,
  f: ScalarActivation, g: ScalarActivation, c: (v: number) => number,
): void {
  const H = s.H;
  const H2 = 2 * H;
  // gated: r⊙h for the default form, or h·Rh for linear_before_reset.
  if (s.linearBeforeReset) {
    gated.fill(0);
    addMatVec(gated, 0, rw, H2, H, h, hb, H);
    for (let j = 0; j < H; j++) {
      const reset = f(c(acc[H + j] as number));
      acc[H2 + j] = (acc[H2 + j] as number) + reset * ((gated[j] as number) + (rbh[j] as number));
    }
  } else {
    for (let i = 0; i < H; i++) gated[i] = f(c(acc[H + i] as number)) * (h[hb + i] as number);
    addMatVec(acc, H2, rw, H2, H, gated, 0, H);
  }
  for (let j = 0; j < H; j++) {
    const z = f(c(acc[j] as number));
    const candidate = g(c(acc[H2 + j] as number));
    h[hb + j] = candidate + z * ((h[hb + j] as number) - candidate);
  }
}

/** Gates i, o, f, c with optional peepholes: C = f⊙C + i⊙g(c̃), h = o⊙h(C). */
function lstmStep(
  s: Loop, d: number, acc: Float64Array, h: Float64Array, cell: Float64Array, hb: number,
  f: ScalarActivation, g: ScalarActivation, hAct: ScalarActivation, c: (v: number) => number,
): void {
  const H = s.H;
  const pBase = d * 3 * H;
  const p = s.peep;
  for (let j = 0; j < H; j++) {
    const old = cell[hb + j] as number;
    const input = f(c((acc[j] as number) + (p ? (p[pBase + j] as number) * old : 0)));
    const forget = f(c((acc[2 * H + j] as number) + (p ? (p[pBase + 2 * H + j] as number) * old : 0)));
    const next = forget * old + input * g(c(acc[3 * H + j] as number));
    const output = f(c((acc[H + j] as number) + (p ? (p[pBase + H + j] as number) * next : 0)));
    cell[hb + j] = next;
    h[hb + j] = output * hAct(next);
  }
}
