// BatchNorm with batch statistics (training) on our kernel (batchnorm.c),
// registered as the tfjs kernel "CompactorBatchNormTrain" with a gradient
// (../gradients/compactor-batchnorm.ts) whose kernel is
// "CompactorBatchNormTrainGrad". ops/normalization.ts uses it on wasm while
// training, where tfjs's composed moments + batchNorm and their gradient
// were most of a ResNet-8 step (Tile, Multiply, Sum, measured).
import { tf } from "../tf.js";
import { ensureKernel, heapKernels, kernelOutput, withScratch } from "./module.js";

export const BATCHNORM_TRAIN = "CompactorBatchNormTrain";
export const BATCHNORM_TRAIN_GRAD = "CompactorBatchNormTrainGrad";

/** Switch and counter, for tests and benchmarks. */
export const ownBatchNorm = { enabled: true, runs: 0 };

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap };

const rowsOf = (shape: readonly number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);

/** Inputs x (…, C), scale [C], bias [C]; outputs y, mean [C], var [C] (biased). */
function batchNormTrainKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const k = heapKernels();
  const { x, scale, bias } = inputs as { x: tf.TensorInfo; scale: tf.TensorInfo; bias: tf.TensorInfo };
  const C = x.shape[x.shape.length - 1]!;
  const y = kernelOutput([...x.shape], "float32");
  const mean = kernelOutput([C], "float32");
  const variance = kernelOutput([C], "float32");
  withScratch(k, [3 * C], ([scratch]) => {
    k.batchnormTrain({
      x: k.offsetOf(x), scale: k.offsetOf(scale), bias: k.offsetOf(bias), y: k.offsetOf(y), mean: k.offsetOf(mean), var: k.offsetOf(variance),
      scratch: scratch!, rows: rowsOf(x.shape), K: C, eps: (attrs as unknown as { epsilon: number }).epsilon,
    });
  });
  ownBatchNorm.runs++;
  return [y, mean, variance];
}

/** Inputs dy, x, scale, mean, var; outputs dx, dscale, dbias. */
function batchNormTrainGradKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const k = heapKernels();
  const { dy, x, scale, mean, variance } = inputs as Record<"dy" | "x" | "scale" | "mean" | "variance", tf.TensorInfo>;
  const C = x.shape[x.shape.length - 1]!;
  const dx = kernelOutput([...x.shape], "float32");
  const dscale = kernelOutput([C], "float32");
  const dbias = kernelOutput([C], "float32");
  withScratch(k, [4 * C], ([scratch]) => {
    k.batchnormTrainGrad({
      dy: k.offsetOf(dy), x: k.offsetOf(x), scale: k.offsetOf(scale), mean: k.offsetOf(mean), var: k.offsetOf(variance),
      dx: k.offsetOf(dx), dscale: k.offsetOf(dscale), dbias: k.offsetOf(dbias),
      scratch: scratch!, rows: rowsOf(x.shape), K: C, eps: (attrs as unknown as { epsilon: number }).epsilon,
    });
  });
  return [dx, dscale, dbias];
}

export function ensureBatchNormKernels(): void {
  ensureKernel(BATCHNORM_TRAIN, batchNormTrainKernel);
  ensureKernel(BATCHNORM_TRAIN_GRAD, batchNormTrainGradKernel);
}

/**
 * Batch-statistics BatchNorm over every axis but the last (channels-last x,
 * float32, scale and bias [C]) on our kernel, differentiable: [y, mean, var
 * (biased)]; or undefined where it does not apply (switched off, another
 * backend, other dtypes or shapes, an empty batch).
 */
export function compactorBatchNormTrain(x: tf.Tensor, scale: tf.Tensor, bias: tf.Tensor, epsilon: number): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  if (!ownBatchNorm.enabled || tf.getBackend() !== "wasm" || x.rank < 2) return undefined;
  const C = x.shape[x.rank - 1]!;
  if ([x, scale, bias].some((t) => t.dtype !== "float32") || scale.size !== C || bias.size !== C || x.size === 0) return undefined;
  ensureBatchNormKernels();
  const inputs = { x, scale: tf.reshape(scale, [C]), bias: tf.reshape(bias, [C]) };
  return tf.engine().runKernel(BATCHNORM_TRAIN, inputs as unknown as tf.NamedTensorMap, { epsilon } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
