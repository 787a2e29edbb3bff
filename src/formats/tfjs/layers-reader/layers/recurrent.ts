// Embedding, and LSTM / GRU / SimpleRNN as ONNX's recurrent ops: Keras
// kernels ([in, gates·units], gates i,f,c,o for LSTM and z,r,h for GRU)
// transposed and reordered to ONNX's W [1, gates·units, in] (LSTM i,o,f,c),
// the sequence run time-major, go_backwards as the reverse direction.
import { makeTensor } from "../../../../graph/tensor.js";
import type { Tensor } from "../../../../graph/types.js";
import { permuted } from "../../tensor-util.js";
import { rnnActivation } from "./activations.js";
import type { LayerContext, LayerEntry, LayerResult } from "./types.js";

/** ONNX gate k takes Keras's gate ORDER[k]. */
const ORDER: Readonly<Record<string, readonly number[]>> = Object.freeze({ LSTM: [0, 3, 1, 2], GRU: [0, 1, 2], RNN: [0] });

/** [rows, gates·u] (Keras) → [1, gates·u, rows] (ONNX), gates reordered. */
function onnxWeight(k: Tensor, order: readonly number[]): Tensor {
  const t = permuted(k, [1, 0]); // [gates·u, rows]
  const src = t.data as Float32Array;
  const chunk = src.length / order.length;
  const out = new Float32Array(src.length);
  order.forEach((from, to) => out.set(src.subarray(from * chunk, (from + 1) * chunk), to * chunk));
  return makeTensor("float32", [1, ...t.dims], out);
}

function reorderVector(v: Float32Array, order: readonly number[]): Float32Array {
  const chunk = v.length / order.length;
  const out = new Float32Array(v.length);
  order.forEach((from, to) => out.set(v.subarray(from * chunk, (from + 1) * chunk), to * chunk));
  return out;
}

function recurrent(op: "LSTM" | "GRU" | "RNN"): (c: LayerContext) => LayerResult {
  return (c) => {
    if (c.bool("return_state", false)) c.fail("return_state = true (one output per layer is read)");
    if (c.bool("stateful", false)) c.fail("stateful recurrence");
    const units = c.num("units");
    const order = ORDER[op]!;
    const gates = order.length;
    const kernelDims = c.weight("kernel").dims;
    if (!Number.isInteger(units) || units <= 0 || kernelDims[kernelDims.length - 1] !== gates * units) {
      c.fail(`units ${units} does not match the kernel's shape [${kernelDims.join(", ")}] (${gates} gates × units)`);
    }
    const x = c.onnx("Transpose", [c.inputs[0]!], { perm: [1, 0, 2] }, "time_major")[0]!;
    const w = onnxWeight(c.weight("kernel"), order);
    const r = onnxWeight(c.weight("recurrent_kernel"), order);
    const resetAfter = op === "GRU" && c.bool("reset_after", false);
    let bias = new Float32Array(2 * gates * units);
    if (c.bool("use_bias", true)) {
      const raw = c.weight("bias").data as Float32Array;
      // GRU reset_after keeps input and recurrent biases apart ([2, 3u]); otherwise one bias, the recurrent one zero.
      if (resetAfter) bias = Float32Array.from([...reorderVector(raw.subarray(0, gates * units), order), ...reorderVector(raw.subarray(gates * units), order)]);
      else bias.set(reorderVector(raw, order));
    }
    const activations = op === "RNN" ? [rnnActivation(c, c.str("activation", "tanh"))] : [rnnActivation(c, c.str("recurrent_activation", "hard_sigmoid")), ...new Array<string>(op === "LSTM" ? 2 : 1).fill(rnnActivation(c, c.str("activation", "tanh")))];
    const attrs = { hidden_size: units, direction: c.bool("go_backwards", false) ? "reverse" : "forward", activations, ...(op === "GRU" ? { linear_before_reset: resetAfter ? 1 : 0 } : {}) };
    const inputs = [x, c.initializer(w, "W"), c.initializer(r, "R"), c.initializer(makeTensor("float32", [1, 2 * gates * units], bias), "B")];
    const [y, yh] = c.onnx(op, inputs, attrs, "rnn", 2);
    if (!c.bool("return_sequences", false)) return { output: c.onnx("Squeeze", [yh!, c.int64([0], "state_axis")])[0]!, rank: 2 };
    let seq = c.onnx("Transpose", [c.onnx("Squeeze", [y!, c.int64([1], "direction_axis")], {}, "sequence")[0]!], { perm: [1, 0, 2] }, c.bool("go_backwards", false) ? "batch_major" : undefined)[0]!;
    // go_backwards returns the outputs in the order it ran them: last time step first.
    if (c.bool("go_backwards", false)) seq = c.onnx("Slice", [seq, c.int64([-1], "starts"), c.int64([-(2 ** 62)], "ends"), c.int64([1], "axes"), c.int64([-1], "steps")])[0]!;
    return { output: seq, rank: 3 };
  };
}

function embedding(c: LayerContext): LayerResult {
  if (c.bool("mask_zero", false)) c.fail("mask_zero = true (masked time steps change what later layers compute)");
  const indices = c.onnx("Cast", [c.inputs[0]!], { to: 7 }, "indices")[0]!;
  return { output: c.onnx("Gather", [c.initializer(c.weight("embeddings"), "embeddings"), indices], { axis: 0 })[0]!, rank: c.ranks[0]! + 1 };
}

export const RECURRENT_LAYERS: readonly LayerEntry[] = [
  { classNames: ["Embedding"], convert: embedding },
  { classNames: ["LSTM"], convert: recurrent("LSTM") },
  { classNames: ["GRU"], convert: recurrent("GRU") },
  { classNames: ["SimpleRNN"], convert: recurrent("RNN") },
];
