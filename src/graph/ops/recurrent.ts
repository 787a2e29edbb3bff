// RNN, GRU and LSTM (run by runtime/tfjs/ops/recurrent.ts). The version-1
// entries carry the shape rules, which hold from opset 1; layout (batch-first)
// arrives at opset 14.
import { defineOp, versionsOf } from "./define.js";

const common = {
  activation_alpha: { type: "floats" },
  activation_beta: { type: "floats" },
  activations: { type: "strings" },
  clip: { type: "float" },
  direction: { type: "string", default: "forward" },
  hidden_size: { type: "int" },
} as const;
const layout = { layout: { type: "int", default: 0 } } as const;
const gru = { ...common, linear_before_reset: { type: "int", default: 0 } } as const;
const lstm = { ...common, input_forget: { type: "int", default: 0 } } as const;

export const RNN = defineOp("RNN", { 1: {}, 7: { attributes: common }, 14: { attributes: { ...common, ...layout } } });
export const GRU = defineOp("GRU", { 1: {}, 7: { attributes: gru }, 14: { attributes: { ...gru, ...layout } } });
export const LSTM = defineOp("LSTM", { 1: {}, 7: { attributes: lstm }, 14: { attributes: { ...lstm, ...layout } } });

export const recurrentOps = versionsOf(RNN, GRU, LSTM);
