// Comparisons, boolean logic and Where. All are elementwise with numpy
// broadcasting (tf's own), so they run in whatever layout their inputs share.
import { tf } from "../tf.js";
import { required } from "./args.js";
import type { OpVersion } from "../../../graph/ops/index.js";
import * as ops from "../../../graph/ops/logic.js";
import { implement, type OpContext, type OpEntry } from "./types.js";

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function binary(version: OpVersion<{}>, fn: Binary): OpEntry<{}> {
  return implement(version, {
    layout: "elementwise",
    run: (inputs, _attrs, ctx: OpContext) => [fn(required(inputs, 0, ctx, "A"), required(inputs, 1, ctx, "B"))],
  });
}

/** tf comparisons want one dtype; ONNX guarantees both sides share one, up to our int64→int32 mapping. */
function compare(fn: Binary): Binary {
  return (a, b) => (a.dtype === b.dtype ? fn(a, b) : tf.tidy(() => fn(tf.cast(a, "float32"), tf.cast(b, "float32"))));
}

const not = implement(ops.Not[1], {
  layout: "elementwise",
  run: (inputs, _attrs, ctx) => [tf.logicalNot(required(inputs, 0, ctx, "X"))],
});

const whereOp = implement(ops.Where[9], {
  layout: "elementwise",
  run(inputs, _attrs, ctx) {
    const condition = required(inputs, 0, ctx, "condition");
    const x = required(inputs, 1, ctx, "X");
    const y = required(inputs, 2, ctx, "Y");
    return [tf.tidy(() => tf.where(tf.cast(condition, "bool"), x, y.dtype === x.dtype ? y : tf.cast(y, x.dtype)))];
  },
});

export const LOGIC_OPS: readonly OpEntry[] = [
  binary(ops.Equal[1], compare(tf.equal)),
  binary(ops.Less[1], compare(tf.less)),
  binary(ops.Greater[1], compare(tf.greater)),
  binary(ops.LessOrEqual[12], compare(tf.lessEqual)),
  binary(ops.GreaterOrEqual[12], compare(tf.greaterEqual)),
  binary(ops.And[1], tf.logicalAnd),
  binary(ops.Or[1], tf.logicalOr),
  binary(ops.Xor[1], tf.logicalXor),
  not,
  whereOp,
];
