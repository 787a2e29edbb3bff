// Inference-only LSTM recurrence on our wasm kernel (lstm.c's
// lstm_direction), for recurrent-fused.ts: ONNX's default activations, no
// peepholes, no clip, hidden size a multiple of 4, on the wasm backend. The
// input projection X·W arrives as a tensor in tfjs's heap; per step the kernel
// adds h·R with the 4×8 matrix kernel and runs the gates four units at a time
// (its own e^x: Taylor to r⁶ after range reduction, ≤ 1.2e-7 relative).
// The JS loop it replaces spent ~45% of the LSTM fixture's time at batch 8
// (node --cpu-prof): scalar multiply-adds and Math.exp/Math.tanh per unit.
import { tf } from "../tf.js";
import { heapKernels, type KernelSwitch, ownKernelsApply, runOwnKernel, withScratch } from "./module.js";

export const lstmKernel: KernelSwitch = { enabled: true, runs: 0, ms: 0 };

export interface LstmRequest {
  /** [dirs, seq·batch, 4H]: X·W, rows in X's order. */
  readonly projected: tf.Tensor;
  /** [dirs, H, 4H]: R transposed (gates last), as recurrent.ts holds it. */
  readonly r: tf.Tensor;
  /** [dirs, 8H]: Wb then Rb. */
  readonly bias?: tf.Tensor;
  readonly h0?: tf.Tensor;
  readonly c0?: tf.Tensor;
  readonly seq: number;
  readonly batch: number;
  readonly hidden: number;
  readonly dirs: number;
  readonly batchFirst: boolean;
  /** direction "reverse": the one direction runs backwards. */
  readonly reverseOnly: boolean;
}

/** [Y, Y_h, Y_c] in the node's layout, or undefined where this kernel does not apply. */
export function lstmOnWasm(req: LstmRequest): tf.Tensor[] | undefined {
  const { seq, batch, hidden: H, dirs, batchFirst } = req;
  if (!lstmKernel.enabled || !ownKernelsApply() || H % 4 !== 0) return undefined;
  return runOwnKernel(lstmKernel, () => {
    const k = heapKernels();
    const G = 4 * H;
    const rows4 = Math.ceil(batch / 4) * 4;
    const stateDims = batchFirst ? [batch, dirs, H] : [dirs, batch, H];
    const stateAt = (d: number, b: number) => (batchFirst ? b * dirs + d : d * batch + b) * H;
    const [h0, c0, bias] = [req.h0?.dataSync(), req.c0?.dataSync(), req.bias?.dataSync()];
    const yH = new Float32Array(dirs * batch * H);
    const yC = new Float32Array(dirs * batch * H);
    const yDims = batchFirst ? [batch, seq, dirs, H] : [seq, dirs, batch, H];
    // Strides of Y in floats for t and b, and where direction d starts.
    const [tStride, bStride] = batchFirst ? [dirs * H, seq * dirs * H] : [dirs * batch * H, H];
    const dirOffset = (d: number) => (batchFirst ? d * H : d * batch * H);
    const y = withScratch(k, [G * H, G, rows4 * H, rows4 * H, rows4 * G], ([panels, b, h, c, tmp]) =>
      k.output(yDims, (yOut) => {
        for (let d = 0; d < dirs; d++) {
          k.packPanels({ w: k.offsetOf(req.r) + d * H * G * 4, u: panels!, C: H, K: G });
          const heap = k.heap();
          const biasView = heap.subarray(b! / 4, b! / 4 + G);
          for (let j = 0; j < G; j++) biasView[j] = bias ? (bias[d * 2 * G + j] as number) + (bias[d * 2 * G + G + j] as number) : 0;
          const hv = heap.subarray(h! / 4, h! / 4 + rows4 * H).fill(0);
          const cv = heap.subarray(c! / 4, c! / 4 + rows4 * H).fill(0);
          for (let bi = 0; bi < batch; bi++) {
            if (h0) hv.set(h0.subarray(stateAt(d, bi), stateAt(d, bi) + H), bi * H);
            if (c0) cv.set(c0.subarray(stateAt(d, bi), stateAt(d, bi) + H), bi * H);
          }
          const proj = k.offsetOf(req.projected) + d * seq * batch * G * 4;
          const reverse = req.reverseOnly || d === 1;
          k.lstmDirection({
            proj, panels: panels!, bias: b!, h: h!, c: c!, tmp: tmp!, y: yOut + dirOffset(d) * 4, seq, batch, rows4, H,
            batchFirst: batchFirst ? 1 : 0, reverse: reverse ? 1 : 0, yTStride: tStride, yBStride: bStride,
          });
          const after = k.heap();
          for (let bi = 0; bi < batch; bi++) {
            yH.set(after.subarray(h! / 4 + bi * H, h! / 4 + (bi + 1) * H), stateAt(d, bi));
            yC.set(after.subarray(c! / 4 + bi * H, c! / 4 + (bi + 1) * H), stateAt(d, bi));
          }
        }
      }),
    );
    return [y, tf.tensor(yH, stateDims), tf.tensor(yC, stateDims)];
  });
}
