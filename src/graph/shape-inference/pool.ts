// Pooling: windowed (MaxPool, AveragePool, LpPool) and global.
import { attrInt } from "../attributes.js";
import { windowGeometry, windowOutput } from "./window.js";
import type { InferContext, ShapeRule, ValueFacts } from "./types.js";

function pool(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (x === undefined || x.length < 3) return [{ dtype }, { dtype: "int64" }];
  const g = windowGeometry(ctx.node, x.length - 2);
  if (g === undefined) {
    ctx.problem(`needs a kernel_shape attribute with ${x.length - 2} entries`);
    return [{ dtype }, { dtype: "int64" }];
  }
  const ceilMode = attrInt(ctx.node, "ceil_mode", 0) === 1;
  const shape = [x[0], x[1], ...x.slice(2).map((d, i) => windowOutput(d, g, i, ceilMode))];
  // MaxPool's optional second output holds int64 indices of the same shape.
  return [{ dtype, shape }, { dtype: "int64", shape }];
}

function globalPool(ctx: InferContext): ValueFacts[] {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (x === undefined) return [{ dtype }];
  return [{ dtype, shape: [x[0], x[1], ...x.slice(2).map(() => 1)] }];
}

export const poolRules: readonly ShapeRule[] = [
  { opType: "MaxPool", since: 1, infer: pool },
  { opType: "AveragePool", since: 1, infer: pool },
  { opType: "LpPool", since: 1, infer: pool },
  { opType: "GlobalAveragePool", since: 1, infer: globalPool },
  { opType: "GlobalMaxPool", since: 1, infer: globalPool },
  { opType: "GlobalLpPool", since: 1, infer: globalPool },
];
