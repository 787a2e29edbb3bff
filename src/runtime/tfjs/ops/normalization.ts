// BatchNormalization, InstanceNormalization (channels-last: per-channel
// parameters broadcast along the last axis with no reshaping) and
// LayerNormalization (ONNX layout, normalises the trailing axes).
import { tf } from "../tf.js";
import { normalizeAxis, unsupportedFeature } from "./args.js";
import type { AttrValues } from "../../../graph/ops/index.js";
import { BatchNormalization, InstanceNormalization, LayerNormalization } from "../../../graph/ops/normalization.js";
import { implement, type OpContext, type OpEntry } from "./types.js";
import { compactorBatchNormTrain } from "../kernels/batchnorm.js";

/** What every BatchNormalization version declares, and what later ones add. */
type BatchNormAttrs = AttrValues<(typeof BatchNormalization)[9]["attributes"]> & { readonly training_mode?: number };

/** tf.batchNorm handles rank ≤ 4; 3-D spatial inputs use the formula. */
function normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, bias: tf.Tensor | undefined, scale: tf.Tensor | undefined, eps: number): tf.Tensor {
  if (x.rank <= 4) return tf.batchNorm(x, mean, variance, bias, scale, eps);
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  if (scale) y = tf.mul(y, scale);
  return bias ? tf.add(y, bias) : y;
}

/** Every axis but the channel (last) one. */
function nonChannelAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}

/**
 * Inference uses the running statistics. Training (ctx.training) normalises
 * with batch statistics and records new running averages through updateState:
 * running·momentum + batch·(1 − momentum), with the unbiased batch variance as
 * PyTorch does, since fine-tuned models come from PyTorch. ONNX's own
 * training_mode=1 form (outputs running_mean/var) uses the biased variance, as
 * the ONNX spec says.
 */
function runBatchNorm(inputs: readonly (tf.Tensor | undefined)[], attrs: BatchNormAttrs, ctx: OpContext): tf.Tensor[] {
  const [x, scale, bias, mean, variance] = inputs as tf.Tensor[];
  const eps = attrs.epsilon;
  const momentum = attrs.momentum;
  const onnxTraining = attrs.training_mode === 1;
  if (!ctx.training && !onnxTraining) {
    return [normalize(x!, mean!, variance!, bias, scale, eps)];
  }
  const axes = nonChannelAxes(x!);
  const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
  // On wasm one kernel computes the batch statistics and y (and one its gradient): ../kernels/batchnorm.ts.
  const own = scale && bias ? compactorBatchNormTrain(x!, scale, bias, eps) : undefined;
  const moments = own ? { mean: own[1], variance: own[2] } : tf.moments(x!, axes);
  const y = own ? own[0] : normalize(x!, moments.mean, moments.variance, bias, scale, eps);
  if (onnxTraining) {
    const runMean = tf.add(tf.mul(mean!, momentum), tf.mul(moments.mean, 1 - momentum));
    const runVar = tf.add(tf.mul(variance!, momentum), tf.mul(moments.variance, 1 - momentum));
    return [y, runMean, runVar];
  }
  // Running stats are kept, never part of the loss, so no gradient reaches them.
  const batchMean = moments.mean;
  const unbiased = tf.mul(moments.variance, n > 1 ? n / (n - 1) : 1);
  const [meanName, varName] = [ctx.node.inputs[3], ctx.node.inputs[4]];
  if (meanName && varName) {
    ctx.updateState(meanName, tf.add(tf.mul(mean!, momentum), tf.mul(batchMean, 1 - momentum)));
    ctx.updateState(varName, tf.add(tf.mul(variance!, momentum), tf.mul(unbiased, 1 - momentum)));
  }
  return [y];
}

const bnBase = { layout: "channelsLast", stateInputs: [3, 4], run: runBatchNorm } as const;
export const batchNorm7 = implement(BatchNormalization[7], {
  ...bnBase,
  run: (inputs, attrs, ctx) => {
    if (attrs.spatial !== 1) throw unsupportedFeature(ctx, "BatchNormalization with spatial=0");
    return runBatchNorm(inputs, attrs, ctx);
  },
});
export const batchNorm9 = implement(BatchNormalization[9], bnBase);
export const batchNorm14 = implement(BatchNormalization[14], bnBase);

export const instanceNorm = implement(InstanceNormalization[6], {
  layout: "channelsLast",
  run([x, scale, bias], attrs) {
    const spatial = Array.from({ length: x!.rank - 2 }, (_, i) => i + 1);
    const { mean, variance } = tf.moments(x!, spatial, true);
    // Statistics keep their spatial dims (rank of x), which tf.batchNorm refuses.
    const y = tf.mul(tf.sub(x!, mean), tf.rsqrt(tf.add(variance, attrs.epsilon)));
    return [tf.add(tf.mul(y, scale!), bias!)];
  },
});

type LayerNormAttrs = AttrValues<(typeof LayerNormalization)[17]["attributes"]>;

function runLayerNorm([x, scale, bias]: readonly (tf.Tensor | undefined)[], attrs: LayerNormAttrs, ctx: OpContext): tf.Tensor[] {
  const axis = normalizeAxis(attrs.axis, x!.rank, ctx);
  const axes = Array.from({ length: x!.rank - axis }, (_, i) => axis + i);
  const { mean, variance } = tf.moments(x!, axes, true);
  const invStd = tf.rsqrt(tf.add(variance, attrs.epsilon));
  let y = tf.mul(tf.sub(x!, mean), invStd);
  y = tf.mul(y, scale!);
  if (bias) y = tf.add(y, bias);
  return [y, mean, invStd];
}

export const layerNorm = implement(LayerNormalization[17], { run: runLayerNorm });

export const NORMALIZATION_OPS: readonly OpEntry[] = [batchNorm7, batchNorm9, batchNorm14, instanceNorm, layerNorm];
