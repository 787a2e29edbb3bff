// Einsum (PyTorch exports torch.einsum as-is from opset 12): each output letter
// takes the size its input letters have; "..." dims broadcast.
import { attrString } from "../attributes.js";
import type { Dim } from "../types.js";
import { broadcast } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function einsum(ctx: InferContext): ValueFacts {
  const dtype = ctx.dtype(0);
  const equation = attrString(ctx.node, "equation").replace(/\s+/g, "");
  const [lhs, given] = equation.split("->");
  const terms = lhs.split(",");
  if (terms.length !== ctx.node.inputs.length) {
    ctx.problem(`equation "${equation}" has ${terms.length} operands but the node has ${ctx.node.inputs.length} inputs`);
    return { dtype };
  }
  const sizes = new Map<string, Dim>();
  const ellipses: Dim[][] = [];
  const counts = new Map<string, number>();
  for (let k = 0; k < terms.length; k++) {
    const shape = ctx.shape(k);
    const letters = terms[k].replace("...", "").split("");
    letters.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    if (shape === undefined) return { dtype };
    const ellipsisRank = shape.length - letters.length;
    const start = terms[k].indexOf("...");
    if (start >= 0) ellipses.push(shape.slice(start, start + ellipsisRank));
    const dims = start >= 0 ? [...shape.slice(0, start), ...shape.slice(start + ellipsisRank)] : [...shape];
    letters.forEach((l, i) => {
      const prior = sizes.get(l);
      const d = dims[i] ?? null;
      // A letter of size 1 broadcasts; a known size beats a symbol or unknown.
      if (prior === undefined || prior === 1 || (typeof d === "number" && d !== 1 && typeof prior !== "number")) sizes.set(l, d);
    });
  }
  const implicit = (ellipses.length > 0 ? "..." : "") + [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join("");
  const output = given ?? implicit;
  const ellipsisDims = broadcast(ellipses);
  if (typeof ellipsisDims === "string") {
    ctx.problem(ellipsisDims);
    return { dtype };
  }
  const shape: Dim[] = [];
  for (let i = 0; i < output.length; i++) {
    if (output.startsWith("...", i)) {
      shape.push(...ellipsisDims);
      i += 2;
    } else shape.push(sizes.get(output[i]) ?? null);
  }
  return { dtype, shape };
}

export const einsumRules: readonly ShapeRule[] = [{ opType: "Einsum", since: 12, infer: (ctx) => [einsum(ctx)] }];
