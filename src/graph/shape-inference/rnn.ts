// Recurrent layers (LSTM, GRU, RNN): Y, Y_h (and LSTM's Y_c), time-major or,
// with layout=1 (opset 14), batch-major.
import { attrInt, attrString } from "../attributes.js";
import type { Dim } from "../types.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function recurrent(stateOutputs: number) {
  return (ctx: InferContext): ValueFacts[] => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const hidden: Dim = ctx.node.attributes.hidden_size ? attrInt(ctx.node, "hidden_size") : null;
    const directions = attrString(ctx.node, "direction", "forward") === "bidirectional" ? 2 : 1;
    const batchMajor = attrInt(ctx.node, "layout", 0) === 1;
    if (x === undefined || x.length !== 3) return new Array(1 + stateOutputs).fill({ dtype });
    const [seq, batch] = batchMajor ? [x[1], x[0]] : [x[0], x[1]];
    const y: Dim[] = batchMajor ? [batch, seq, directions, hidden] : [seq, directions, batch, hidden];
    const state: Dim[] = batchMajor ? [batch, directions, hidden] : [directions, batch, hidden];
    return [{ dtype, shape: y }, ...new Array(stateOutputs).fill({ dtype, shape: state })];
  };
}

export const rnnRules: readonly ShapeRule[] = [
  { opType: "LSTM", since: 1, infer: recurrent(2) },
  { opType: "GRU", since: 1, infer: recurrent(1) },
  { opType: "RNN", since: 1, infer: recurrent(1) },
];
