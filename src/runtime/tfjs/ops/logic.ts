// Comparisons, boolean logic and Where. All are elementwise with numpy
// broadcasting (tf's own), so they run in whatever layout their inputs share.
import { tf } from "../tf.js";
import { required } from "./args.js";
import type { OpContext, OpEntry } from "./types.js";

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function binary(opType: string, since: number, fn: Binary): OpEntry {
  return {
    opType,
    since,
    layout: "elementwise",
    run: (inputs, _attrs, ctx: OpContext) => [fn(required(inputs, 0, ctx, "A"), required(inputs, 1, ctx, "B"))],
  };
}

/** tf comparisons want one dtype; ONNX guarantees both sides share one, up to our int64→int32 mapping. */
function compare(fn: Binary): Binary {
  return (a, b) => (a.dtype === b.dtype ? fn(a, b) : tf.tidy(() => fn(tf.cast(a, "float32"), tf.cast(b, "float32"))));
}

const not: OpEntry = {
  opType: "Not",
  since: 1,
  layout: "elementwise",
  run: (inputs, _attrs, ctx) => [tf.logicalNot(required(inputs, 0, ctx, "X"))],
};

const whereOp: OpEntry = {
  opType: "Where",
  since: 9,
  layout: "elementwise",
  run(inputs, _attrs, ctx) {
    const condition = required(inputs, 0, ctx, "condition");
    const x = required(inputs, 1, ctx, "X");
    const y = required(inputs, 2, ctx, "Y");
    return [tf.tidy(() => tf.where(tf.cast(condition, "bool"), x, y.dtype === x.dtype ? y : tf.cast(y, x.dtype)))];
  },
};

export const LOGIC_OPS: readonly OpEntry[] = [
  binary("Equal", 1, compare(tf.equal)),
  binary("Less", 1, compare(tf.less)),
  binary("Greater", 1, compare(tf.greater)),
  binary("LessOrEqual", 12, compare(tf.lessEqual)),
  binary("GreaterOrEqual", 12, compare(tf.greaterEqual)),
  binary("And", 1, tf.logicalAnd),
  binary("Or", 1, tf.logicalOr),
  binary("Xor", 1, tf.logicalXor),
  not,
  whereOp,
];
