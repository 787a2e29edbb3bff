// The activation functions ONNX's RNN, GRU and LSTM accept by name, with the
// defaults their alpha/beta take when activation_alpha/beta leave them out.
import { tf } from "../tf.js";
import { unsupportedFeature } from "./args.js";
import type { OpContext } from "./types.js";

export type Activation = (x: tf.Tensor) => tf.Tensor;
/** The same function on one number, for the fused inference loop (recurrent-fused.ts). */
export type ScalarActivation = (x: number) => number;

interface ActivationSpec {
  /** Parameters it reads from activation_alpha / activation_beta, with defaults. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly make: (alpha: number, beta: number) => Activation;
  readonly scalar: (alpha: number, beta: number) => ScalarActivation;
}

const ACTIVATIONS: Readonly<Record<string, ActivationSpec>> = Object.freeze({
  relu: { make: () => tf.relu, scalar: () => (x) => (x > 0 ? x : 0) },
  tanh: { make: () => tf.tanh, scalar: () => Math.tanh },
  sigmoid: { make: () => tf.sigmoid, scalar: () => (x) => 1 / (1 + Math.exp(-x)) },
  softsign: { make: () => (x: tf.Tensor) => tf.div(x, tf.add(tf.abs(x), 1)), scalar: () => (x) => x / (1 + Math.abs(x)) },
  softplus: { make: () => tf.softplus, scalar: () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) },
  affine: { alpha: 1, beta: 0, make: (a, b) => (x: tf.Tensor) => tf.add(tf.mul(x, a), b), scalar: (a, b) => (x) => a * x + b },
  leakyrelu: { alpha: 0.01, make: (a) => (x: tf.Tensor) => tf.leakyRelu(x, a), scalar: (a) => (x) => (x < 0 ? a * x : x) },
  thresholdedrelu: {
    alpha: 1,
    make: (a) => (x: tf.Tensor) => tf.mul(x, tf.cast(tf.greater(x, a), "float32")),
    scalar: (a) => (x) => (x > a ? x : 0),
  },
  scaledtanh: { alpha: 1, beta: 1, make: (a, b) => (x: tf.Tensor) => tf.mul(tf.tanh(tf.mul(x, b)), a), scalar: (a, b) => (x) => a * Math.tanh(b * x) },
  hardsigmoid: {
    alpha: 0.2,
    beta: 0.5,
    make: (a, b) => (x: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(x, a), b), 0, 1),
    scalar: (a, b) => (x) => Math.min(1, Math.max(0, a * x + b)),
  },
  elu: {
    alpha: 1,
    make: (a) => (x: tf.Tensor) => (a === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), a))),
    scalar: (a) => (x) => (x > 0 ? x : a * Math.expm1(x)),
  },
});

/** What resolveActivations reads from the node: the activations, activation_alpha and activation_beta attributes. */
export interface ActivationAttrs {
  readonly names: readonly string[] | undefined;
  readonly alphas: readonly number[] | undefined;
  readonly betas: readonly number[] | undefined;
}

/**
 * The activation functions per direction: `activations` lists perDirection
 * names for each direction (a single direction's list is reused for both);
 * alphas and betas are consumed in order by the functions that take them.
 */
function resolve<T>(
  pick: (spec: ActivationSpec) => (alpha: number, beta: number) => T,
  { names, alphas, betas }: ActivationAttrs,
  defaults: readonly string[],
  directions: number,
  ctx: OpContext,
): T[][] {
  const given = names ?? defaults;
  const list = given.length === defaults.length ? Array.from({ length: directions }, () => given).flat() : given;
  if (list.length !== defaults.length * directions) {
    throw unsupportedFeature(ctx, `activations [${list.join(", ")}] (expected ${defaults.length} per direction)`);
  }
  let nextAlpha = 0;
  let nextBeta = 0;
  const fns = list.map((name) => {
    const spec = ACTIVATIONS[name.toLowerCase()];
    if (spec === undefined) throw unsupportedFeature(ctx, `activation "${name}" (known: ${Object.keys(ACTIVATIONS).join(", ")})`);
    const alpha = spec.alpha === undefined ? 0 : (alphas?.[nextAlpha++] ?? spec.alpha);
    const beta = spec.beta === undefined ? 0 : (betas?.[nextBeta++] ?? spec.beta);
    return pick(spec)(alpha, beta);
  });
  return Array.from({ length: directions }, (_, d) => fns.slice(d * defaults.length, (d + 1) * defaults.length));
}

/** tf functions, for the differentiable loop. */
export function resolveActivations(attrs: ActivationAttrs, defaults: readonly string[], directions: number, ctx: OpContext): Activation[][] {
  return resolve((spec) => spec.make, attrs, defaults, directions, ctx);
}

/** Number → number functions, for the fused inference loop. */
export function resolveScalarActivations(attrs: ActivationAttrs, defaults: readonly string[], directions: number, ctx: OpContext): ScalarActivation[][] {
  return resolve((spec) => spec.scalar, attrs, defaults, directions, ctx);
}
