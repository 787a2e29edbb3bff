// MatMul (2-D, with transpose flags), BatchMatMul/V2 (batched, adj flags) and
// _FusedMatMul (bias and activation fused in).
import { attrBool, attrStrings } from "../../tf-attrs.js";
import { activate } from "./activation.js";
import type { ImportContext, ImportOp } from "./types.js";

function product(c: ImportContext, transposeA: boolean, transposeB: boolean, batched: boolean): string {
  if (!batched) return c.onnx("Gemm", [c.input(0), c.input(1)], { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 }, "matmul")[0]!;
  if (transposeA || transposeB) c.fail("adj_x/adj_y on BatchMatMul need the operands' rank; not supported");
  return c.onnx("MatMul", [c.input(0), c.input(1)], {}, "matmul")[0]!;
}

function fusedMatMul(c: ImportContext): string[] {
  const ops = attrStrings(c.attrs, "fused_ops") ?? [];
  let y = product(c, attrBool(c.attrs, "transpose_a") ?? false, attrBool(c.attrs, "transpose_b") ?? false, false);
  let next = 2;
  for (const op of ops) {
    if (op === "BiasAdd") y = c.onnx("Add", [y, c.input(next++)], {}, "bias")[0]!;
    else y = activate(c, y, op, op === "Prelu" ? c.input(next++) : undefined);
  }
  return c.onnx("Identity", [y]);
}

export const MATMUL_OPS: readonly ImportOp[] = [
  { tfOps: ["MatMul"], convert: (c) => ({ outputs: c.onnx("Identity", [product(c, attrBool(c.attrs, "transpose_a") ?? false, attrBool(c.attrs, "transpose_b") ?? false, false)]) }) },
  { tfOps: ["BatchMatMul", "BatchMatMulV2"], convert: (c) => ({ outputs: c.onnx("Identity", [product(c, attrBool(c.attrs, "adj_x") ?? false, attrBool(c.attrs, "adj_y") ?? false, true)]) }) },
  { tfOps: ["_FusedMatMul"], convert: (c) => ({ outputs: fusedMatMul(c) }) },
];
