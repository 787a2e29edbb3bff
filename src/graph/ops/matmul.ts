// Gemm and MatMul (run by runtime/tfjs/ops/matmul.ts).
import { defineOp, versionsOf } from "./define.js";

export const Gemm = defineOp("Gemm", {
  1: {},
  7: {
    attributes: {
      alpha: { type: "float", default: 1.0 },
      beta: { type: "float", default: 1.0 },
      transA: { type: "int", default: 0 },
      transB: { type: "int", default: 0 },
    },
  },
});
export const MatMul = defineOp("MatMul", { 1: {} });

export const matmulOps = versionsOf(Gemm, MatMul);
