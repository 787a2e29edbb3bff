// Dropout: identity (and an all-true mask) unless training. It drops while
// compactor trains (ctx.training) or when the graph asks via training_mode
// (opset 12+); the mask comes from the run's seeded generator so a seeded
// training run repeats exactly.
import { tf } from "../tf.js";
import { floatsOf, required, shapeError } from "./args.js";
import { Dropout } from "../../../graph/ops/dropout.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

function dropout(x: tf.Tensor, ratio: number, dropping: boolean, ctx: OpContext): tf.Tensor[] {
  if (!(ratio >= 0 && ratio < 1)) throw shapeError(ctx, `ratio must be in [0, 1), got ${ratio}`);
  const wantMask = ctx.node.outputs.length > 1;
  // Before opset 10 the mask has the data's type; from 10 it is bool.
  const maskDtype = ctx.opset < 10 ? x.dtype : "bool";
  if (!dropping || ratio === 0) {
    const out = tf.clone(x);
    return wantMask ? [out, tf.tidy(() => tf.cast(tf.onesLike(x), maskDtype))] : [out];
  }
  return tf.tidy(() => {
    const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", ctx.seed()), tf.scalar(ratio));
    const out = tf.mul(x, tf.mul(tf.cast(keep, x.dtype), tf.scalar(1 / (1 - ratio), x.dtype)));
    return wantMask ? [out, tf.cast(keep, maskDtype)] : [out];
  });
}

const dropout1 = implement(Dropout[1], {
  layout: "elementwise",
  run: (inputs, attrs, ctx) =>
    dropout(required(inputs, 0, ctx, "data"), attrs.ratio, ctx.training && attrs.is_test !== 1, ctx),
});

const dropout7 = implement(Dropout[7], {
  layout: "elementwise",
  run: (inputs, attrs, ctx) => dropout(required(inputs, 0, ctx, "data"), attrs.ratio, ctx.training, ctx),
});

const dropout12 = implement(Dropout[12], {
  layout: "elementwise",
  run(inputs, _attrs, ctx) {
    const ratio = floatsOf(inputs, 1, ctx)?.[0] ?? 0.5;
    const trainingMode = floatsOf(inputs, 2, ctx)?.[0] ?? 0;
    return dropout(required(inputs, 0, ctx, "data"), ratio, ctx.training || trainingMode !== 0, ctx);
  },
});

export const DROPOUT_OPS: readonly OpEntry[] = [dropout1, dropout7, dropout12];
