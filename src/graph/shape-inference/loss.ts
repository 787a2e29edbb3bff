// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: scores (N, C, d1…dk)
// against targets (N, d1…dk). The loss is per element with reduction "none",
// a scalar otherwise; SoftmaxCrossEntropyLoss's optional second output, the
// log-probabilities, has the scores' shape.
import { attrString } from "../attributes.js";
import { show } from "./dims.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function loss(ctx: InferContext): ValueFacts {
  const scores = ctx.shape(0);
  const target = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (scores !== undefined && (scores.length < 2 || (target !== undefined && target.length !== scores.length - 1))) {
    ctx.problem(`input ${show(scores)} must be [N, C, …] and target [N, …] one rank lower, got target ${show(target)}`);
    return { dtype };
  }
  if (attrString(ctx.node, "reduction", "mean") !== "none") return { dtype, shape: [] };
  // The per-element loss has the target's shape: the scores' without C.
  const shape = target ?? (scores && [scores[0], ...scores.slice(2)]);
  return { dtype, shape };
}

export const lossRules: readonly ShapeRule[] = [
  { opType: "NegativeLogLikelihoodLoss", since: 12, infer: (ctx) => [loss(ctx)] },
  { opType: "SoftmaxCrossEntropyLoss", since: 12, infer: (ctx) => [loss(ctx), { dtype: ctx.dtype(0), shape: ctx.shape(0) }] },
];
