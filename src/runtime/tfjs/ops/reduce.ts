// Reductions and ArgMax/ArgMin. Axes moved from an attribute to an optional
// input (ReduceSum at opset 13, the others at 18); both forms share one kernel.
// Empty axes reduce everything unless noop_with_empty_axes is set.
import { tf } from "../tf.js";
import { intsOf, normalizeAxis } from "./args.js";
import type { OpContext, OpEntry } from "./types.js";

type Reducer = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor;

function reduceWith(x: tf.Tensor, axes: number[] | undefined, keepdims: boolean, noop: boolean, f: Reducer, ctx: OpContext): tf.Tensor {
  if (axes === undefined || axes.length === 0) {
    if (noop) return tf.clone(x);
    axes = x.shape.map((_, i) => i);
  }
  const normalized = axes.map((a) => normalizeAxis(a, x.rank, ctx));
  return f(x, normalized, keepdims);
}

const attrAxes = { axes: { type: "ints" as const }, keepdims: { type: "int" as const, default: 1 } };
const inputAxes = { keepdims: { type: "int" as const, default: 1 }, noop_with_empty_axes: { type: "int" as const, default: 0 } };

/** The attribute-axes entry at `since` and the input-axes entry at `inputSince`. */
function reduction(opType: string, f: Reducer, inputSince: number): [OpEntry, OpEntry] {
  return [
    {
      opType,
      since: 1,
      attributes: attrAxes,
      run: ([x], a, ctx) => [reduceWith(x!, a.axes as number[] | undefined, a.keepdims === 1, false, f, ctx)],
    },
    {
      opType,
      since: inputSince,
      attributes: inputAxes,
      run: (inputs, a, ctx) => [reduceWith(inputs[0]!, intsOf(inputs, 1, ctx), a.keepdims === 1, a.noop_with_empty_axes === 1, f, ctx)],
    },
  ];
}

const l2: Reducer = (x, axes, keep) => tf.sqrt(tf.sum(tf.square(x), axes, keep));

export const [reduceMean1, reduceMean18] = reduction("ReduceMean", (x, a, k) => tf.mean(x, a, k), 18);
export const [reduceSum1, reduceSum13] = reduction("ReduceSum", (x, a, k) => tf.sum(x, a, k), 13);
export const [reduceMax1, reduceMax18] = reduction("ReduceMax", (x, a, k) => tf.max(x, a, k), 18);
export const [reduceMin1, reduceMin18] = reduction("ReduceMin", (x, a, k) => tf.min(x, a, k), 18);
export const [reduceProd1, reduceProd18] = reduction("ReduceProd", (x, a, k) => tf.prod(x, a, k), 18);
export const [reduceL21, reduceL218] = reduction("ReduceL2", l2, 18);
// torch.logsumexp, x.abs().sum(), x.pow(2).sum() and log(sum) export as these; logSumExp is the stable form.
export const [reduceLogSumExp1, reduceLogSumExp18] = reduction("ReduceLogSumExp", (x, a, k) => tf.logSumExp(x, a, k), 18);
export const [reduceL11, reduceL118] = reduction("ReduceL1", (x, a, k) => tf.sum(tf.abs(x), a, k), 18);
export const [reduceSumSquare1, reduceSumSquare18] = reduction("ReduceSumSquare", (x, a, k) => tf.sum(tf.square(x), a, k), 18);
export const [reduceLogSum1, reduceLogSum18] = reduction("ReduceLogSum", (x, a, k) => tf.log(tf.sum(x, a, k)), 18);

function argReduce(opType: string, f: (x: tf.Tensor, axis: number) => tf.Tensor): OpEntry {
  return {
    opType,
    since: 1,
    attributes: { axis: { type: "int", default: 0 }, keepdims: { type: "int", default: 1 }, select_last_index: { type: "int", default: 0 } },
    run([x], a, ctx) {
      const axis = normalizeAxis(a.axis as number, x!.rank, ctx);
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
  };
}

export const argMax = argReduce("ArgMax", (x, axis) => tf.argMax(x, axis));
export const argMin = argReduce("ArgMin", (x, axis) => tf.argMin(x, axis));

export const REDUCE_OPS: readonly OpEntry[] = [
  reduceMean1, reduceMean18, reduceSum1, reduceSum13, reduceMax1, reduceMax18, reduceMin1, reduceMin18,
  reduceProd1, reduceProd18, reduceL21, reduceL218, reduceLogSumExp1, reduceLogSumExp18, reduceL11, reduceL118,
  reduceSumSquare1, reduceSumSquare18, reduceLogSum1, reduceLogSum18, argMax, argMin,
];
