// MatMul (numpy semantics: batched, broadcast) and Gemm (α·A'·B' + β·C).
// TF.js's BatchMatMulV2 broadcasts batch dimensions when one side's flattened
// batch is 1 or both are equal, which covers what exporters write.
import { attrFloat, attrInt } from "../../../../graph/attributes.js";
import { TF_ATTR } from "../../tf-attrs.js";
import { T } from "./helpers.js";
import type { ExportContext, ExportOp } from "./types.js";

function matmul(c: ExportContext): string[] {
  const [ra, rb] = [c.rank(0), c.rank(1)];
  let a = c.input(0);
  let b = c.input(1);
  // 1-D operands: numpy promotes them to matrices and drops the added axis afterwards.
  if (ra === 1) a = c.b.op("ExpandDims", [a, c.b.int(c.part("a_axis"), 0)], {}, c.part("a_matrix"));
  if (rb === 1) b = c.b.op("ExpandDims", [b, c.b.int(c.part("b_axis"), 1)], {}, c.part("b_matrix"));
  const op = Math.max(ra, rb) <= 2 ? "MatMul" : "BatchMatMulV2";
  const squeeze = [...(ra === 1 ? [-2] : []), ...(rb === 1 ? [-1] : [])];
  const product = c.b.op(op, [a, b], { ...T("float32"), ...(op === "MatMul" ? { transpose_a: TF_ATTR.b(false), transpose_b: TF_ATTR.b(false) } : { adj_x: TF_ATTR.b(false), adj_y: TF_ATTR.b(false) }) }, squeeze.length ? c.part("product") : c.node.name);
  return [squeeze.length ? c.b.op("Squeeze", [product], { axis: TF_ATTR.ints(squeeze) }, c.node.name) : product];
}

function gemm(c: ExportContext): string[] {
  const alpha = attrFloat(c.node, "alpha", 1);
  const beta = attrFloat(c.node, "beta", 1);
  const attrs = { transpose_a: TF_ATTR.b(attrInt(c.node, "transA", 0) === 1), transpose_b: TF_ATTR.b(attrInt(c.node, "transB", 0) === 1), ...T("float32") };
  const hasC = c.has(2) && beta !== 0;
  let y = c.b.op("MatMul", [c.input(0), c.input(1)], attrs, hasC || alpha !== 1 ? c.part("MatMul") : c.node.name);
  if (alpha !== 1) y = c.b.op("Mul", [y, c.b.float(c.part("alpha"), alpha)], T("float32"), hasC ? c.part("scaled") : c.node.name);
  if (!hasC) return [y];
  const bias = beta === 1 ? c.input(2) : c.b.op("Mul", [c.input(2), c.b.float(c.part("beta"), beta)], T("float32"), c.part("bias"));
  return [c.b.op("AddV2", [y, bias], T("float32"), c.node.name)];
}

export const MATMUL_OPS: readonly ExportOp[] = [
  { opType: "MatMul", since: 1, convert: matmul },
  { opType: "Gemm", since: 7, convert: gemm },
];
