// Training losses ONNX defines as ops: NegativeLogLikelihoodLoss (opset 12/13)
// and SoftmaxCrossEntropyLoss (12/13). Class picking is a one-hot product
// summed over the class axis (axis 1), built without transposes, so both differentiate with respect to
// their scores; ignore_index entries count neither in the loss nor the mean.
import { tf } from "../tf.js";
import { required, shapeError } from "./args.js";
import { NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss } from "../../../graph/ops/loss.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

type LossAttrs = AttrValues<(typeof NegativeLogLikelihoodLoss)[12]["attributes"]>;

const REDUCTIONS = ["none", "sum", "mean"] as const;


/** −logProb[n, target[n…], …] weighted, reduced as `reduction` says. */
function nll(logProb: tf.Tensor, target: tf.Tensor, weight: tf.Tensor | undefined, attrs: LossAttrs, ctx: OpContext): tf.Tensor {
  const reduction = attrs.reduction;
  if (!(REDUCTIONS as readonly string[]).includes(reduction)) throw shapeError(ctx, `reduction must be one of [${REDUCTIONS.join(", ")}], got "${reduction}"`);
  if (logProb.rank < 2 || target.rank !== logProb.rank - 1) {
    throw shapeError(ctx, `input [${logProb.shape.join(", ")}] must be [N, C, …] and target [N, …], got target [${target.shape.join(", ")}]`);
  }
  const classes = logProb.shape[1] as number;
  const ignore = attrs.ignore_index;
  return tf.tidy(() => {
    const labels = tf.cast(target, "int32");
    const counted = ignore === undefined ? tf.onesLike(labels) : tf.cast(tf.notEqual(labels, tf.scalar(ignore, "int32")), "int32");
    const safe = tf.mul(labels, counted); // ignored entries point at class 0, then get weight 0
    // One-hot along axis 1 by comparing with the class ids laid along that axis (no transposes, any rank).
    const classIds = tf.reshape(tf.range(0, classes, 1, "int32"), logProb.shape.map((d, i) => (i === 1 ? d : 1)));
    const hot = tf.cast(tf.equal(tf.expandDims(safe, 1), classIds), "float32");
    const picked = tf.sum(tf.mul(logProb, hot), 1);
    const w = tf.mul(weight === undefined ? tf.onesLike(picked) : tf.gather(weight, safe), tf.cast(counted, "float32"));
    const loss = tf.neg(tf.mul(picked, w));
    if (reduction === "none") return loss;
    if (reduction === "sum") return tf.sum(loss);
    return tf.div(tf.sum(loss), tf.sum(w));
  });
}

const negativeLogLikelihoodLoss = implement(NegativeLogLikelihoodLoss[12], {
  run: (inputs, attrs, ctx) => [nll(required(inputs, 0, ctx, "input"), required(inputs, 1, ctx, "target"), inputs[2], attrs, ctx)],
});

const softmaxCrossEntropyLoss = implement(SoftmaxCrossEntropyLoss[12], {
  run(inputs, attrs, ctx) {
    const scores = required(inputs, 0, ctx, "scores");
    if (scores.rank < 2) throw shapeError(ctx, `scores must be [N, C, …], got [${scores.shape.join(", ")}]`);
    // log-softmax over the class axis (1).
    const logProb = tf.tidy(() => tf.sub(scores, tf.logSumExp(scores, 1, true)));
    const loss = nll(logProb, required(inputs, 1, ctx, "labels"), inputs[2], attrs, ctx);
    if (ctx.node.outputs.length > 1) return [loss, logProb];
    logProb.dispose();
    return [loss];
  },
});

export const LOSS_OPS: readonly OpEntry[] = [negativeLogLikelihoodLoss, softmaxCrossEntropyLoss];
