// Reductions and ArgMax/ArgMin. Axes moved from an attribute to an optional
// input (ReduceSum at opset 13, the others at 18); both forms share one kernel.
// Empty axes reduce everything unless noop_with_empty_axes is set.
import { tf } from "../tf.js";
import { intsOf, normalizeAxis } from "./args.js";
import type { OpVersions } from "../../../graph/ops/index.js";
import * as ops from "../../../graph/ops/reduce.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

type Reducer = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor;

function reduceWith(x: tf.Tensor, axes: readonly number[] | undefined, keepdims: boolean, noop: boolean, f: Reducer, ctx: OpContext): tf.Tensor {
  if (axes === undefined || axes.length === 0) {
    if (noop) return tf.clone(x);
    axes = x.shape.map((_, i) => i);
  }
  const normalized = axes.map((a) => normalizeAxis(a, x.rank, ctx));
  return f(x, normalized, keepdims);
}

/** The attribute-axes entry (version 1) and the input-axes entry (`inputSince`). */
function reduction<V extends number>(op: OpVersions<{ 1: typeof ops.attributeAxes } & Record<V, typeof ops.inputAxes>>, inputSince: V, f: Reducer): [OpEntry, OpEntry] {
  return [
    implement(op[1], {
      run: ([x], a, ctx) => [reduceWith(x!, a.axes, a.keepdims === 1, false, f, ctx)],
    }),
    implement(op[inputSince], {
      run: (inputs, a, ctx) => [reduceWith(inputs[0]!, intsOf(inputs, 1, ctx), a.keepdims === 1, a.noop_with_empty_axes === 1, f, ctx)],
    }),
  ];
}

const l2: Reducer = (x, axes, keep) => tf.sqrt(tf.sum(tf.square(x), axes, keep));

export const [reduceMean1, reduceMean18] = reduction(ops.ReduceMean, 18, (x, a, k) => tf.mean(x, a, k));
export const [reduceSum1, reduceSum13] = reduction(ops.ReduceSum, 13, (x, a, k) => tf.sum(x, a, k));
export const [reduceMax1, reduceMax18] = reduction(ops.ReduceMax, 18, (x, a, k) => tf.max(x, a, k));
export const [reduceMin1, reduceMin18] = reduction(ops.ReduceMin, 18, (x, a, k) => tf.min(x, a, k));
export const [reduceProd1, reduceProd18] = reduction(ops.ReduceProd, 18, (x, a, k) => tf.prod(x, a, k));
export const [reduceL21, reduceL218] = reduction(ops.ReduceL2, 18, l2);
// torch.logsumexp, x.abs().sum(), x.pow(2).sum() and log(sum) export as these; logSumExp is the stable form.
export const [reduceLogSumExp1, reduceLogSumExp18] = reduction(ops.ReduceLogSumExp, 18, (x, a, k) => tf.logSumExp(x, a, k));
export const [reduceL11, reduceL118] = reduction(ops.ReduceL1, 18, (x, a, k) => tf.sum(tf.abs(x), a, k));
export const [reduceSumSquare1, reduceSumSquare18] = reduction(ops.ReduceSumSquare, 18, (x, a, k) => tf.sum(tf.square(x), a, k));
export const [reduceLogSum1, reduceLogSum18] = reduction(ops.ReduceLogSum, 18, (x, a, k) => tf.log(tf.sum(x, a, k)));

function argReduce(version: (typeof ops.ArgMax)[1], f: (x: tf.Tensor, axis: number) => tf.Tensor): OpEntry {
  return implement(version, {
    run([x], a, ctx) {
      const axis = normalizeAxis(a.axis, x!.rank, ctx);
      let idx: tf.Tensor;
      if (a.select_last_index === 1) {
        // Ties go to the last index: search the reversed axis, map back.
        const n = x!.shape[axis]!;
        idx = tf.sub(tf.scalar(n - 1, "int32"), f(tf.reverse(x!, [axis]), axis));
      } else {
        idx = f(x!, axis);
      }
      return [a.keepdims === 1 ? tf.expandDims(idx, axis) : idx];
    },
  });
}

export const argMax = argReduce(ops.ArgMax[1], (x, axis) => tf.argMax(x, axis));
export const argMin = argReduce(ops.ArgMin[1], (x, axis) => tf.argMin(x, axis));

export const REDUCE_OPS: readonly OpEntry[] = [
  reduceMean1, reduceMean18, reduceSum1, reduceSum13, reduceMax1, reduceMax18, reduceMin1, reduceMin18,
  reduceProd1, reduceProd18, reduceL21, reduceL218, reduceLogSumExp1, reduceLogSumExp18, reduceL11, reduceL118,
  reduceSumSquare1, reduceSumSquare18, reduceLogSum1, reduceLogSum18, argMax, argMin,
];
