// Gemm and MatMul (numpy semantics: batched, and 1-D operands promoted then dropped).
import { attrInt } from "../attributes.js";
import type { Dim } from "../types.js";
import { broadcast, show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function checkInner(ctx: InferContext, k1: Dim, k2: Dim, a: readonly Dim[], b: readonly Dim[]): void {
  if (typeof k1 === "number" && typeof k2 === "number" && k1 !== k2) {
    ctx.problem(`inner dimensions differ: ${show(a)} × ${show(b)} (${k1} vs ${k2})`);
  }
}

function gemm(ctx: InferContext): ValueFacts {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (a === undefined || b === undefined || a.length !== 2 || b.length !== 2) return { dtype };
  const [m, ka] = attrInt(ctx.node, "transA", 0) ? [a[1], a[0]] : [a[0], a[1]];
  const [kb, n] = attrInt(ctx.node, "transB", 0) ? [b[1], b[0]] : [b[0], b[1]];
  checkInner(ctx, ka, kb, a, b);
  return { dtype, shape: [m, n] };
}

export function matmulShape(ctx: InferContext, a: readonly Dim[], b: readonly Dim[]): Dim[] | undefined {
  if (a.length === 0 || b.length === 0) {
    ctx.problem("MatMul operands must have rank ≥ 1");
    return undefined;
  }
  const left = a.length === 1 ? [1, a[0]] : a;
  const right = b.length === 1 ? [b[0], 1] : b;
  checkInner(ctx, left[left.length - 1], right[right.length - 2], a, b);
  const batch = broadcast([left.slice(0, -2), right.slice(0, -2)]);
  if (typeof batch === "string") {
    ctx.problem(batch);
    return undefined;
  }
  const out = [...batch];
  if (a.length !== 1) out.push(left[left.length - 2]);
  if (b.length !== 1) out.push(right[right.length - 1]);
  return out;
}

function matmul(ctx: InferContext): ValueFacts {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (a === undefined || b === undefined) return { dtype };
  return { dtype, shape: matmulShape(ctx, a, b) };
}

export const matmulRules: readonly ShapeRule[] = [
  { opType: "Gemm", since: 1, infer: (ctx) => [gemm(ctx)] },
  { opType: "MatMul", since: 1, infer: (ctx) => [matmul(ctx)] },
];
