// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D around
// `axis` (dims before it are the batch, dims from it on are flattened and
// normalised together); from 13 on only `axis` is normalised.
import { tf } from "../tf.js";
import { normalizeAxis } from "./args.js";
import { LogSoftmax, Softmax } from "../../../graph/ops/softmax.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

type Kernel = (x: tf.Tensor) => tf.Tensor;

const softmaxLast: Kernel = (x) => tf.softmax(x);
const logSoftmaxLast: Kernel = (x) => tf.logSoftmax(x);

function coerced(x: tf.Tensor, axis: number, f: Kernel, ctx: OpContext): tf.Tensor {
  const a = normalizeAxis(axis, x.rank, ctx);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a).reduce((p, d) => p * d, 1);
  return tf.reshape(f(tf.reshape(x, [outer, inner])), x.shape);
}

/**
 * tfjs's kernels normalise the last axis only. Any other axis is viewed as
 * the middle of (outer, axis, inner) and normalised with the max-shifted
 * formula: no transposes, and rank 3 whatever the input's rank (wasm's
 * reductions transpose internally and go wrong above rank 6).
 */
function alongAxis(x: tf.Tensor, axis: number, f: Kernel, log: boolean, ctx: OpContext): tf.Tensor {
  const a = normalizeAxis(axis, x.rank, ctx);
  if (a === x.rank - 1) return f(x);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const x3 = tf.reshape(x, [outer, x.shape[a]!, inner]);
  const shifted = tf.sub(x3, tf.max(x3, 1, true));
  const exp = tf.exp(shifted);
  const sum = tf.sum(exp, 1, true);
  return tf.reshape(log ? tf.sub(shifted, tf.log(sum)) : tf.div(exp, sum), x.shape);
}

function entries(op: typeof Softmax, f: Kernel, log: boolean): [OpEntry, OpEntry] {
  return [
    implement(op[1], { run: ([x], a, ctx) => [coerced(x!, a.axis, f, ctx)] }),
    implement(op[13], { run: ([x], a, ctx) => [alongAxis(x!, a.axis, f, log, ctx)] }),
  ];
}

export const [softmax1, softmax13] = entries(Softmax, softmaxLast, false);
export const [logSoftmax1, logSoftmax13] = entries(LogSoftmax, logSoftmaxLast, true);

export const SOFTMAX_OPS: readonly OpEntry[] = [softmax1, softmax13, logSoftmax1, logSoftmax13];
