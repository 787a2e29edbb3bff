// Dropout (run by runtime/tfjs/ops/dropout.ts): ratio is an attribute until
// opset 12, an input (with training_mode) after.
import { defineOp, versionsOf } from "./define.js";

export const Dropout = defineOp("Dropout", {
  1: { attributes: { ratio: { type: "float", default: 0.5 }, is_test: { type: "int", default: 0 } } },
  7: { attributes: { ratio: { type: "float", default: 0.5 } } },
  12: { attributes: { seed: { type: "int" } } },
});

export const dropoutOps = versionsOf(Dropout);
