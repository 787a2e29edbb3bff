// LSTM, GRU and RNN unrolled over a sequence length known at export (TF.js
// graph models would need While loops and tensor lists for a run-time length).
// The input projection of every step is one MatMul; each step adds h·Rᵀ and
// applies ONNX's gate equations (default activations: σ, tanh) in ONNX's gate
// order (LSTM i,o,f,c; GRU z,r,h). Outputs: Y [seq, dirs, batch, H], Y_h, Y_c.
import { attrInt, attrString } from "../../../../graph/attributes.js";
import { makeTensor } from "../../../../graph/tensor.js";
import type { Tensor } from "../../../../graph/types.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T, concatVectors, dimOf } from "./helpers.js";
import { permuted } from "../../tensor-util.js";
import type { ExportContext, ExportOp } from "./types.js";

const GATES: Readonly<Record<string, number>> = Object.freeze({ LSTM: 4, GRU: 3, RNN: 1 });

function rows(t: Tensor, d: number, from: number, count: number, width: number): Float32Array {
  const data = t.data as Float32Array;
  const perDir = data.length / t.dims[0]!;
  return data.slice(d * perDir + from * width, d * perDir + (from + count) * width);
}

function recurrent(c: ExportContext): string[] {
  const op = c.node.opType;
  const gates = GATES[op]!;
  if (c.node.attributes.activations || c.node.attributes.clip) c.fail("custom activations or clip are not exported (the defaults are)");
  if (attrInt(c.node, "input_forget", 0) === 1) c.fail("input_forget = 1 is not exported");
  if (c.has(4)) c.fail("sequence_lens is not exported: pad to one length");
  if (op === "LSTM" && c.has(7)) c.fail("LSTM peepholes are not exported");
  const [w, r] = [c.constant(1), c.constant(2)];
  if (!w || !r || w.dtype !== "float32" || r.dtype !== "float32") c.fail("W and R must be constants");
  const b = c.has(3) ? c.constant(3) : undefined;
  if (c.has(3) && !b) c.fail("B must be a constant");
  const batchFirst = attrInt(c.node, "layout", 0) === 1;
  const direction = attrString(c.node, "direction", "forward");
  const dirs = direction === "bidirectional" ? 2 : 1;
  const hidden = attrInt(c.node, "hidden_size", r!.dims[2]!);
  const inputs = w!.dims[2]!;
  const dims = c.shape(0);
  const seq = dims?.[batchFirst ? 1 : 0];
  if (typeof seq !== "number") c.fail("the sequence length must be known at export (TF.js graph models run no loops here)");
  const linearBeforeReset = op === "GRU" && attrInt(c.node, "linear_before_reset", 0) === 1;
  const f = (name: string, v: number) => c.b.float(c.part(name), v);
  const mm = (a: string, bRef: string, name: string) => c.b.op("MatMul", [a, bRef], { transpose_a: TF_ATTR.b(false), transpose_b: TF_ATTR.b(false), ...T("float32") }, c.part(name));
  const ew = (tfOp: string, ins: string[], name: string) => c.b.op(tfOp, ins, T("float32"), c.part(name));
  const x = batchFirst ? c.b.op("Transpose", [c.input(0), c.b.ints(c.part("seq_first"), [1, 0, 2])], T("float32"), c.part("x")) : c.input(0);
  // [seq·batch, inputs] for one projection of every step.
  const flat = c.b.op("Reshape", [x, c.b.ints(c.part("flat_shape"), [-1, inputs])], T("float32"), c.part("flat"));
  const batch = dimOf(c, x, 1, "batch");
  const stateShape = concatVectors(c, [batch, c.b.ints(c.part("hidden"), [hidden])], "state_shape");
  const zeros = () => c.b.op("Fill", [stateShape, f("zero", 0)], T("float32"), c.part("zeros"));
  const initial = (input: number, d: number, name: string) => (c.has(input) ? c.b.op("GatherV2", [c.input(input), c.b.int(c.part(`${name}_${d}/i`), d), c.b.int(c.part(`${name}_${d}/axis`), 0)], { batch_dims: TF_ATTR.i(0), ...T("float32") }, c.part(`${name}_${d}`)) : zeros());
  const ys: string[] = [];
  const lastH: string[] = [];
  const lastC: string[] = [];
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === "reverse" || d === 1;
    const wT = permuted(makeTensor("float32", [gates * hidden, inputs], rows(w!, d, 0, gates * hidden, inputs)), [1, 0]);
    const rT = permuted(makeTensor("float32", [gates * hidden, hidden], rows(r!, d, 0, gates * hidden, hidden)), [1, 0]);
    const bias = b ? rows(b as Tensor, d, 0, 2 * gates, hidden) : new Float32Array(2 * gates * hidden);
    const wb = bias.subarray(0, gates * hidden);
    const rb = bias.subarray(gates * hidden);
    // GRU's h gate adds R's bias inside r·(…) when linear_before_reset; elsewhere both biases add up front.
    const inBias = Float32Array.from(wb, (v, k) => v + (linearBeforeReset && k >= 2 * hidden ? 0 : rb[k]!));
    const wRef = c.b.constant(c.part(`w_${d}`), "float32", wT.dims, wT.data as Float32Array);
    const rRef = c.b.constant(c.part(`r_${d}`), "float32", rT.dims, rT.data as Float32Array);
    const projected = c.b.op("AddV2", [mm(flat, wRef, `xw_${d}`), c.b.constant(c.part(`b_${d}`), "float32", [gates * hidden], inBias)], T("float32"), c.part(`xwb_${d}`));
    const steps = c.b.op("Unpack", [c.b.op("Reshape", [projected, concatVectors(c, [c.b.ints(c.part(`steps_${d}/seq`), [seq as number]), batch, c.b.ints(c.part(`steps_${d}/g`), [gates * hidden])], `steps_${d}/shape`)], T("float32"), c.part(`xw3_${d}`))], { num: TF_ATTR.i(seq as number), axis: TF_ATTR.i(0), ...T("float32") }, c.part(`steps_${d}`));
    const rbh = linearBeforeReset ? c.b.constant(c.part(`rbh_${d}`), "float32", [hidden], rb.slice(2 * hidden)) : undefined;
    // Without linear_before_reset the h gate multiplies r·h by its own block of R.
    const rhT = op === "GRU" && !linearBeforeReset ? permuted(makeTensor("float32", [hidden, hidden], rows(r!, d, 2 * hidden, hidden, hidden)), [1, 0]) : undefined;
    const rhRef = rhT ? c.b.constant(c.part(`rh_${d}`), "float32", rhT.dims, rhT.data as Float32Array) : undefined;
    let h = initial(5, d, "h0");
    let cell = op === "LSTM" ? initial(6, d, "c0") : "";
    const outs: string[] = new Array(seq as number);
    for (let k = 0; k < (seq as number); k++) {
      const t = reverse ? (seq as number) - 1 - k : k;
      const xt = t === 0 ? steps : `${steps}:${t}`;
      const s = `${d}_${t}`;
      const gate = (g: number, ref: string, name: string) => c.b.op("StridedSlice", [ref, c.b.ints(c.part(`${name}/b`), [0, g * hidden]), c.b.ints(c.part(`${name}/e`), [0, (g + 1) * hidden]), c.b.ints(c.part(`${name}/s`), [1, 1])], { begin_mask: TF_ATTR.i(1), end_mask: TF_ATTR.i(1), ...T("float32") }, c.part(name));
      if (op === "LSTM") {
        const z = ew("AddV2", [xt, mm(h, rRef, `hr_${s}`)], `z_${s}`);
        const i = ew("Sigmoid", [gate(0, z, `i_${s}`)], `si_${s}`);
        const o = ew("Sigmoid", [gate(1, z, `o_${s}`)], `so_${s}`);
        const fg = ew("Sigmoid", [gate(2, z, `f_${s}`)], `sf_${s}`);
        const g = ew("Tanh", [gate(3, z, `c_${s}`)], `tc_${s}`);
        cell = ew("AddV2", [ew("Mul", [fg, cell], `fc_${s}`), ew("Mul", [i, g], `ig_${s}`)], `cell_${s}`);
        h = ew("Mul", [o, ew("Tanh", [cell], `tcell_${s}`)], `h_${s}`);
      } else if (op === "GRU") {
        const hr = mm(h, rRef, `hr_${s}`);
        const zg = ew("Sigmoid", [ew("AddV2", [gate(0, xt, `xz_${s}`), gate(0, hr, `hz_${s}`)], `az_${s}`)], `z_${s}`);
        const rg = ew("Sigmoid", [ew("AddV2", [gate(1, xt, `xr_${s}`), gate(1, hr, `hrr_${s}`)], `ar_${s}`)], `r_${s}`);
        const recurrentH = linearBeforeReset
          ? ew("Mul", [rg, ew("AddV2", [gate(2, hr, `hh_${s}`), rbh!], `hhb_${s}`)], `rh_${s}`)
          : mm(ew("Mul", [rg, h], `rh0_${s}`), rhRef!, `rh_${s}`);
        const candidate = ew("Tanh", [ew("AddV2", [gate(2, xt, `xh_${s}`), recurrentH], `ah_${s}`)], `n_${s}`);
        // h = (1 − z)·n + z·h
        h = ew("AddV2", [candidate, ew("Mul", [zg, ew("Sub", [h, candidate], `dh_${s}`)], `zdh_${s}`)], `h_${s}`);
      } else {
        h = ew("Tanh", [ew("AddV2", [xt, mm(h, rRef, `hr_${s}`)], `a_${s}`)], `h_${s}`);
      }
      outs[t] = h;
    }
    ys.push(c.b.op("Pack", outs, { N: TF_ATTR.i(seq as number), axis: TF_ATTR.i(0), ...T("float32") }, c.part(`y_${d}`)));
    lastH.push(h);
    lastC.push(cell);
  }
  const pack = (refs: string[], axis: number, name: string) => c.b.op("Pack", refs, { N: TF_ATTR.i(refs.length), axis: TF_ATTR.i(axis), ...T("float32") }, name);
  let y = pack(ys, 1, c.part("y"));
  if (batchFirst) y = c.b.op("Transpose", [y, c.b.ints(c.part("y_perm"), [2, 0, 1, 3])], T("float32"), c.part("y_batch_first"));
  const stackStates = (refs: string[], name: string) => {
    const s = pack(refs, 0, c.part(name));
    return batchFirst ? c.b.op("Transpose", [s, c.b.ints(c.part(`${name}_perm`), [1, 0, 2])], T("float32"), c.part(`${name}_batch_first`)) : s;
  };
  return [y, stackStates(lastH, "y_h"), ...(op === "LSTM" ? [stackStates(lastC, "y_c")] : [])];
}

export const RECURRENT_OPS: readonly ExportOp[] = ["LSTM", "GRU", "RNN"].map((opType) => ({ opType, since: 7, convert: recurrent }));
