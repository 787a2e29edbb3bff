// Reductions and ArgMax/ArgMin (run by runtime/tfjs/ops/reduce.ts). Axes move
// from an attribute to an optional input: ReduceSum at opset 13, the others at 18.
// (attributeAxes and inputAxes are exported so the runtime can type one
// implementation for all ten reductions.)
import { defineOp, versionsOf } from "./define.js";

export const attributeAxes = { attributes: { axes: { type: "ints" }, keepdims: { type: "int", default: 1 } } } as const;
export const inputAxes = { attributes: { keepdims: { type: "int", default: 1 }, noop_with_empty_axes: { type: "int", default: 0 } } } as const;

export const ReduceMean = defineOp("ReduceMean", { 1: attributeAxes, 18: inputAxes });
export const ReduceSum = defineOp("ReduceSum", { 1: attributeAxes, 13: inputAxes });
export const ReduceMax = defineOp("ReduceMax", { 1: attributeAxes, 18: inputAxes });
export const ReduceMin = defineOp("ReduceMin", { 1: attributeAxes, 18: inputAxes });
export const ReduceProd = defineOp("ReduceProd", { 1: attributeAxes, 18: inputAxes });
export const ReduceL1 = defineOp("ReduceL1", { 1: attributeAxes, 18: inputAxes });
export const ReduceL2 = defineOp("ReduceL2", { 1: attributeAxes, 18: inputAxes });
export const ReduceLogSum = defineOp("ReduceLogSum", { 1: attributeAxes, 18: inputAxes });
export const ReduceLogSumExp = defineOp("ReduceLogSumExp", { 1: attributeAxes, 18: inputAxes });
export const ReduceSumSquare = defineOp("ReduceSumSquare", { 1: attributeAxes, 18: inputAxes });

const argAttributes = { axis: { type: "int", default: 0 }, keepdims: { type: "int", default: 1 }, select_last_index: { type: "int", default: 0 } } as const;
export const ArgMax = defineOp("ArgMax", { 1: { attributes: argAttributes } });
export const ArgMin = defineOp("ArgMin", { 1: { attributes: argAttributes } });

export const reduceOps = versionsOf(
  ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare, ArgMax, ArgMin,
);
