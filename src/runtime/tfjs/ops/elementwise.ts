// Elementwise arithmetic with NumPy broadcasting (ONNX opset ≥ 7). Layout
// agnostic: the compiler aligns operands, so a bias add on channels-last
// activations costs nothing extra.
import { tf } from "../tf.js";
import * as ops from "../../../graph/ops/elementwise.js";
import type { OpVersion } from "../../../graph/ops/index.js";
import { implement, type OpEntry } from "./types.js";

const elementwise = "elementwise" as const;

function unary(version: OpVersion<{}>, f: (x: tf.Tensor) => tf.Tensor): OpEntry<{}> {
  return implement(version, { layout: elementwise, run: ([x]) => [f(x!)] });
}

function binary(version: OpVersion<{}>, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpEntry<{}> {
  return implement(version, { layout: elementwise, run: ([a, b]) => [f(a!, b!)] });
}

/** Sum/Max/Min/Mean take any number of inputs, broadcast together. */
function variadic(version: OpVersion<{}>, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, finish?: (t: tf.Tensor, n: number) => tf.Tensor): OpEntry<{}> {
  return implement(version, {
    layout: elementwise,
    run: (inputs) => {
      const present = inputs.filter((t): t is tf.Tensor => t !== undefined);
      const folded = present.slice(1).reduce(f, present[0]!);
      return [finish ? finish(folded, present.length) : present.length === 1 ? tf.clone(folded) : folded];
    },
  });
}

// ONNX integer division truncates toward zero; tfjs's int32 div floors.
function divide(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== "int32") return tf.div(a, b);
  const q = tf.div(tf.cast(a, "float32"), tf.cast(b, "float32"));
  return tf.cast(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), "int32");
}

// ONNX Pow allows an exponent of another type (float base, int exponent).
function power(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.pow(a, b.dtype === a.dtype ? b : tf.cast(b, a.dtype));
}

/**
 * Pow by a compile-time constant 2 (decomposed LayerNorm's variance) is
 * tf.square: wasm's Pow kernel is a general powf per element, several times
 * slower. Only when the exponent cannot widen the result's shape.
 */
const powEntry = implement(ops.Pow[7], {
  layout: elementwise,
  run: ([a, b], _attrs, ctx) => {
    const exponent = ctx.constantOf(1);
    if (exponent?.length === 1 && exponent[0] === 2 && a!.dtype === "float32" && b!.rank <= a!.rank) return [tf.square(a!)];
    return [power(a!, b!)];
  },
});

export const add = binary(ops.Add[7], tf.add);
export const sub = binary(ops.Sub[7], tf.sub);
export const mul = binary(ops.Mul[7], tf.mul);
export const div = binary(ops.Div[7], divide);
export const pow = powEntry;

export const sqrt = unary(ops.Sqrt[6], tf.sqrt);
export const exp = unary(ops.Exp[6], tf.exp);
export const log = unary(ops.Log[6], tf.log);
export const neg = unary(ops.Neg[6], tf.neg);
export const abs = unary(ops.Abs[6], tf.abs);
export const reciprocal = unary(ops.Reciprocal[6], tf.reciprocal);
export const floor = unary(ops.Floor[6], tf.floor);
export const ceil = unary(ops.Ceil[6], tf.ceil);
export const sin = unary(ops.Sin[7], tf.sin);
export const cos = unary(ops.Cos[7], tf.cos);
export const erf = unary(ops.Erf[9], tf.erf);

export const sum = variadic(ops.Sum[8], tf.add);
export const max = variadic(ops.Max[8], tf.maximum);
export const min = variadic(ops.Min[8], tf.minimum);
export const mean = variadic(ops.Mean[8], tf.add, (t, n) => tf.div(t, n));

export const ELEMENTWISE_OPS: readonly OpEntry[] = [
  add, sub, mul, div, pow, sqrt, exp, log, neg, abs, reciprocal, floor, ceil, sin, cos, erf, sum, max, min, mean,
];
