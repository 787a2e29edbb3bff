// Pointwise activations. All are layout-agnostic ("elementwise"): they run on
// channels-last activations as they are; PRelu's (C,1,1) slope is aligned by
// the compiler like any broadcast operand.
import { tf } from "../tf.js";
import { Clip, Elu, HardSigmoid, HardSwish, LeakyRelu, PRelu, Relu, Selu, Sigmoid, Softplus, Tanh } from "../../../graph/ops/activation.js";
import type { OpVersion } from "../../../graph/ops/index.js";
import { implement, type OpEntry } from "./types.js";

const elementwise = "elementwise" as const;

function unary(version: OpVersion<{}>, f: (x: tf.Tensor) => tf.Tensor): OpEntry<{}> {
  return implement(version, { layout: elementwise, run: ([x]) => [f(x!)] });
}

export const relu = unary(Relu[6], tf.relu);
export const sigmoid = unary(Sigmoid[6], tf.sigmoid);
export const tanh = unary(Tanh[6], tf.tanh);
export const softplus = unary(Softplus[1], tf.softplus);

export const leakyRelu = implement(LeakyRelu[6], {
  layout: elementwise,
  run: ([x], a) => [tf.leakyRelu(x!, a.alpha)],
});

// relu(x) − slope·relu(−x): broadcasts the slope and differentiates everywhere
// tfjs does, unlike the Prelu kernel which wants slope and x to match.
// Inference with one slope per last-axis entry (per channel once channels-last)
// runs the Prelu kernel: one pass instead of four (XNNPACK on wasm).
export const prelu = implement(PRelu[7], {
  layout: elementwise,
  run: ([x, slope]) => {
    const channels = x!.shape[x!.rank - 1];
    const perLast = slope!.rank >= 1 && slope!.rank <= x!.rank && slope!.shape[slope!.rank - 1] === channels && slope!.size === channels;
    if (tf.engine().state.gradientDepth === 0 && x!.dtype === "float32" && perLast) return [tf.prelu(x!, tf.reshape(slope!, [channels!]))];
    return [tf.sub(tf.relu(x!), tf.mul(slope!, tf.relu(tf.neg(x!))))];
  },
});

export const elu = implement(Elu[6], {
  layout: elementwise,
  run: ([x], a) => {
    const alpha = a.alpha;
    if (alpha === 1) return [tf.elu(x!)];
    return [tf.where(tf.greater(x!, 0), x!, tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x!, 0)), 1)))];
  },
});

export const selu = implement(Selu[6], {
  layout: elementwise,
  run: ([x], a) => {
    const negative = tf.mul(a.alpha, tf.sub(tf.exp(tf.minimum(x!, 0)), 1));
    return [tf.mul(a.gamma, tf.add(tf.relu(x!), negative))];
  },
});

export const hardSigmoid = implement(HardSigmoid[6], {
  layout: elementwise,
  run: ([x], a) => [tf.clipByValue(tf.add(tf.mul(x!, a.alpha), a.beta), 0, 1)],
});

export const hardSwish = implement(HardSwish[14], {
  layout: elementwise,
  run: ([x]) => [tf.mul(x!, tf.clipByValue(tf.add(tf.mul(x!, 1 / 6), 0.5), 0, 1))],
});

function clipBounds(x: tf.Tensor, min: number | tf.Tensor | undefined, max: number | tf.Tensor | undefined): tf.Tensor {
  if (min === undefined && max === undefined) return tf.clone(x);
  if (typeof min !== "object" && typeof max !== "object" && x.dtype === "float32") {
    return tf.clipByValue(x, min ?? -Infinity, max ?? Infinity);
  }
  // Integer inputs (and tensor bounds) clamp with maximum/minimum in x's dtype.
  const bound = (v: number | tf.Tensor) => (typeof v === "number" ? tf.scalar(v, x.dtype) : v);
  let y = x;
  if (min !== undefined) y = tf.maximum(y, bound(min));
  if (max !== undefined) y = tf.minimum(y, bound(max));
  return y;
}

/** Clip before opset 11: bounds are attributes. */
export const clip6 = implement(Clip[6], {
  layout: elementwise,
  run: ([x], a) => [clipBounds(x!, a.min, a.max)],
});

/** Clip from opset 11: bounds are optional scalar inputs, usually constants. */
export const clip11 = implement(Clip[11], {
  layout: elementwise,
  run: ([x, min, max], _a, ctx) => {
    const bound = (t: tf.Tensor | undefined, i: number) => {
      if (t === undefined) return undefined;
      const known = ctx.constantOf(i);
      return known && known.length === 1 ? known[0]! : t;
    };
    return [clipBounds(x!, bound(min, 1), bound(max, 2))];
  },
});

export const ACTIVATION_OPS: readonly OpEntry[] = [relu, leakyRelu, prelu, clip6, clip11, sigmoid, hardSigmoid, hardSwish, tanh, softplus, elu, selu];
