// The activation functions ONNX's RNN, GRU and LSTM accept by name, with the
// defaults their alpha/beta take when activation_alpha/beta leave them out.
import { tf } from "../tf.js";
import { unsupportedFeature } from "./args.js";
import type { OpContext } from "./types.js";

export type Activation = (x: tf.Tensor) => tf.Tensor;

interface ActivationSpec {
  /** Parameters it reads from activation_alpha / activation_beta, with defaults. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly make: (alpha: number, beta: number) => Activation;
}

const ACTIVATIONS: Readonly<Record<string, ActivationSpec>> = Object.freeze({
  relu: { make: () => tf.relu },
  tanh: { make: () => tf.tanh },
  sigmoid: { make: () => tf.sigmoid },
  softsign: { make: () => (x: tf.Tensor) => tf.div(x, tf.add(tf.abs(x), 1)) },
  softplus: { make: () => tf.softplus },
  affine: { alpha: 1, beta: 0, make: (a, b) => (x: tf.Tensor) => tf.add(tf.mul(x, a), b) },
  leakyrelu: { alpha: 0.01, make: (a) => (x: tf.Tensor) => tf.leakyRelu(x, a) },
  thresholdedrelu: { alpha: 1, make: (a) => (x: tf.Tensor) => tf.mul(x, tf.cast(tf.greater(x, a), "float32")) },
  scaledtanh: { alpha: 1, beta: 1, make: (a, b) => (x: tf.Tensor) => tf.mul(tf.tanh(tf.mul(x, b)), a) },
  hardsigmoid: { alpha: 0.2, beta: 0.5, make: (a, b) => (x: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(x, a), b), 0, 1) },
  elu: { alpha: 1, make: (a) => (x: tf.Tensor) => (a === 1 ? tf.elu(x) : tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), a))) },
});

/**
 * The activation functions per direction: `activations` lists perDirection
 * names for each direction (a single direction's list is reused for both);
 * alphas and betas are consumed in order by the functions that take them.
 */
export function resolveActivations(
  names: readonly string[] | undefined,
  alphas: readonly number[] | undefined,
  betas: readonly number[] | undefined,
  defaults: readonly string[],
  directions: number,
  ctx: OpContext,
): Activation[][] {
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
    return spec.make(alpha, beta);
  });
  return Array.from({ length: directions }, (_, d) => fns.slice(d * defaults.length, (d + 1) * defaults.length));
}
